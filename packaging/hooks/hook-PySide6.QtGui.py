"""Replaces PyInstaller's QtGui hook: collect only the Qt plugins the annotator uses.

The stock hook collects every QtGui plugin (GTK theme, EGL, Wayland, image formats...)
and their system libraries (GTK, cairo, pango: tens of MB). Filtering here, before
PyInstaller scans binaries for dependencies, keeps those libraries out of the bundle.
Kept: the X11 and offscreen platforms (offscreen runs the self-test and CI), plus the
compose and IBus input methods for typing accents or CJK into notes; Windows and macOS
keep their native platform plugin. Without Wayland, Qt uses X11 (XWayland).
"""

from pathlib import PurePath

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

KEEP = {
    "platforms": ("libqxcb.", "libqoffscreen.", "qwindows.", "qoffscreen.", "libqcocoa."),
    "platforminputcontexts": ("libcomposeplatforminputcontextplugin.", "libibusplatforminputcontextplugin."),
}


def wanted(source: str) -> bool:
    path = PurePath(source)
    if "plugins" not in path.parts:
        return True
    kind = path.parts[path.parts.index("plugins") + 1]
    return path.name.startswith(KEEP.get(kind, ()))


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, dest) for source, dest in binaries if wanted(source)]
