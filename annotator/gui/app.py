"""Starting the window: display check, QApplication, style, the database, the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

NO_DISPLAY = (
    "annotator: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot open.\n"
    "Run it in a desktop session, or use a command instead (see `annotator --help`)."
)


def display_missing() -> bool:
    """On Linux/BSD Qt needs an X11 or Wayland display unless a platform is forced."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")) or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(db_path: Path | None, argv: list[str]) -> int:
    if display_missing():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from annotator import identity
    from annotator.core.model import AnnotationError
    from annotator.store import DatabaseError
    from annotator.workspace import open_store

    app = make_application(argv)
    try:
        store = open_store(db_path, annotator=identity.current_name())
    except (DatabaseError, AnnotationError) as error:  # AnnotationError: ANNOTATOR_NAME is blank
        print(f"annotator: {error}", file=sys.stderr)
        return 1
    from annotator.gui.main_window import MainWindow

    window = MainWindow(store, settings())
    window.show()
    # Ask the name on first start, then (a new database, the default one seeded) suggest entities in that layer.
    window.annotator_name.first_start(then=lambda: window.suggestions.first_run(store.created))
    from annotator.gui import startup_probe

    if startup_probe.requested():  # ANNOTATOR_EXIT_AFTER_SHOWN=1, for bench/bench_bundle.py
        startup_probe.install(window)
    try:
        return app.exec()
    finally:
        window.suggestions.stop()  # the probe quits without closing the window
        store.close()


def make_application(argv: list[str]):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or _new_application(argv)
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    app.setStyle("Fusion")  # the same calm look on every platform
    app.setStyleSheet(stylesheet())
    return app


def _new_application(argv: list[str]):
    """QApplication, but a display that cannot be used gives a message instead of Qt's abort."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    said: list[str] = []  # Qt's warnings while starting, shown only if it starts

    def on_qt_message(kind, _context, text: str) -> None:
        if kind != QtMsgType.QtFatalMsg:
            said.append(text)
            return
        print(f"annotator: the window cannot open: {_platform_failure(said, text)}.", file=sys.stderr)
        print("Check DISPLAY / WAYLAND_DISPLAY, or use a command instead (see `annotator --help`).", file=sys.stderr)
        sys.stderr.flush()
        os._exit(2)  # Qt would abort() right after a fatal message

    qInstallMessageHandler(on_qt_message)
    try:
        app = QApplication(["annotator", *argv])
    finally:
        qInstallMessageHandler(None)
    for line in said:
        print(line, file=sys.stderr)
    return app


def _platform_failure(said: list[str], fatal: str) -> str:
    if any("could not connect to display" in line for line in said):
        return f"nothing answers on display {os.environ.get('DISPLAY', '')!r}"
    if any("xcb-cursor" in line for line in said):
        return "Qt needs the libxcb-cursor0 package to use X11"
    return fatal.strip().splitlines()[0]


def settings():
    """Window geometry and layout; an INI file in the user's config folder."""
    from PySide6.QtCore import QSettings

    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "annotator", "annotator")


def stylesheet() -> str:
    from annotator.paths import resources_dir

    path = resources_dir() / "annotator.qss"
    return path.read_text(encoding="utf-8") if path.is_file() else ""
