"""The Qt desktop window. Only this package imports Qt."""
