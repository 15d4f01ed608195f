"""Replaces pyinstaller-hooks-contrib's spaCy hook: English only, no test suite.

The contributed hook collects every submodule and data file of spaCy, that is the
tokenizer rules, stop words and lookup tables of ~75 languages plus spacy.tests.
The annotator only runs English pipelines, so only ``spacy.lang.en`` and the shared
modules directly in ``spacy/lang/`` (punctuation, char classes, ...) are kept.
The Cython and C sources spaCy ships (.pyx, .pxd, .c, .h: 1.2 MB) are left out: they are
only read to compile against spaCy; a traceback through them then shows file and line
without the source text. Hooks in a spec's ``hookspath`` take precedence over the contributed ones.
"""

from pathlib import Path

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata, get_package_paths

KEEP_LANGUAGES = {"en"}
SOURCES = (".pyx", ".pxd", ".c", ".h", ".cpp", ".pyi")
LANG_DIR = Path(get_package_paths("spacy")[1]) / "lang"
LANGUAGES = {p.name for p in LANG_DIR.iterdir() if (p / "__init__.py").is_file()}


def wanted(module: str) -> bool:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] == "tests":
        return False
    return not (len(parts) > 2 and parts[1] == "lang" and parts[2] in LANGUAGES - KEEP_LANGUAGES)


def wanted_file(source: str) -> bool:
    if source.endswith(SOURCES):
        return False
    relative = Path(source).resolve().relative_to(Path(get_package_paths("spacy")[1]))
    return wanted(".".join(("spacy", *relative.parts[:-1])))


hiddenimports = collect_submodules("spacy", filter=wanted)
datas = [(src, dest) for src, dest in collect_data_files("spacy") if wanted_file(src)]
datas += copy_metadata("spacy")
