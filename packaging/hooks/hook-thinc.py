"""Replaces pyinstaller-hooks-contrib's thinc hook: the same, without thinc's test suite."""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

hiddenimports = collect_submodules("thinc", filter=lambda name: ".tests" not in name)
datas = [(src, dest) for src, dest in collect_data_files("thinc") if "/tests/" not in src.replace("\\", "/")]
datas += copy_metadata("thinc")
