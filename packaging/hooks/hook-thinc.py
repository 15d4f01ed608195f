"""Replaces pyinstaller-hooks-contrib's thinc hook: the same, without thinc's test suite
and its Cython/C++ sources (.pyx, .pxd, .hh: only read to compile against thinc). The .cu
CUDA kernels stay: thinc.backends._custom_kernels reads them at import.
"""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

SOURCES = (".pyx", ".pxd", ".h", ".hh", ".cpp", ".pyi")

hiddenimports = collect_submodules("thinc", filter=lambda name: ".tests" not in name)
datas = [
    (src, dest)
    for src, dest in collect_data_files("thinc")
    if "/tests/" not in src.replace("\\", "/") and not src.endswith(SOURCES)
]
datas += copy_metadata("thinc")
