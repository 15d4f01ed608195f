"""One module per file format: read records (with problems named by file and line) and write them."""
