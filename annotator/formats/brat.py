"""brat standoff: a folder of ``NAME.txt`` + ``NAME.ann`` pairs, offsets in code points, end exclusive.

Imported: ``T`` lines (continuous text-bound annotations), ``R``, ``E`` and ``*`` lines as
relations (see brat_relations), and ``#`` comment lines on T and R lines, of any type:
``AnnotatorNotes`` becomes the note, another type ``#1<TAB>Lemma T1<TAB>x`` a note line
``[Lemma] x``, written back as that comment type on export.
Reported per line and left out (refused with --strict): discontinuous spans, ``A``, ``M`` and
``N`` lines, relations on what is left out, and comments on any of them. Export names each document
after its source file (``PMID-10438843.txt`` stays ``PMID-10438843``), made safe and unique. Offsets of a ``.txt`` with ``\\r\\n`` endings are mapped
onto the normalized text. The label scheme travels in ``annotation.conf`` (names),
``visual.conf`` (``bgColor``) and ``kb_shortcuts.conf`` (hotkeys) in the folder.
"""

from __future__ import annotations

import re
from itertools import count
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.core.labels import palette_color
from annotator.core.model import AnnotationError, Label, RelationLabel, Span, State, check_note
from annotator.core import limits
from annotator.core.text import TextError, decode, read_limited
from annotator.formats.records import (
    ExportLog,
    LabelScheme,
    ReadOptions,
    Record,
    build_document,
    checked_span,
    describe,
    not_carried,
    offset_map,
)
from annotator.formats.folder_export import earlier_export, export_folder, listed
from annotator.formats import brat_relations
from annotator.formats.relation_records import RelationRules
from annotator.core.problems import Problem

NAME = "brat"
CONF_FILES = ("annotation.conf", "visual.conf", "kb_shortcuts.conf")
_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_NOTE_LINE = re.compile(r"^#[^\t]*\t(\S+) (\S+)(?:\t(.*))?$")
_TYPED_NOTE = re.compile(r"^\[([A-Za-z_][\w.-]*)\] (.*)$")  # a comment type other than AnnotatorNotes, kept in the note
NOTES = "AnnotatorNotes"
_MAX_OFFSET_DIGITS = 18  # offsets past 10**18 cannot be in any text we read
_UNSUPPORTED = {"A": "attribute", "M": "attribute", "N": "normalization"}


def ann_and_txt(path: Path) -> tuple[Path, Path]:
    return path.with_suffix(".ann"), path.with_suffix(".txt")


def read(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[Record | Problem | LabelScheme]:
    ann, txt = ann_and_txt(path)
    scheme = read_confs(ann.parent)
    if scheme is not None:
        yield scheme
    known = options.known_labels
    if known is not None and isinstance(scheme, LabelScheme):
        known = known | {label.name for label in scheme.labels}
    text, ann_text = _decoded(txt, options), _decoded(ann, options)
    problems = [p for p in (text, ann_text) if isinstance(p, Problem)]
    if problems:
        yield from problems
        return
    if not text.strip():
        yield Problem(str(txt), "empty or blank text, skipped", warning=True)
        return
    try:
        document = build_document(text, source_path=str(txt))
    except TextError as error:
        yield Problem(str(txt), str(error))
        return
    rules = RelationRules.of(options, scheme)
    spans, found = _parse_ann(ann_text.split("\n"), text, str(ann), known, options, rules)
    yield from found.problems
    if all(p.warning for p in found.problems):
        yield from _undirected(found.undirected, scheme, ann)
        document.relations = found.relations
        yield document, spans


def _decoded(path: Path, options: ReadOptions) -> str | Problem:
    try:
        return decode(read_limited(path, limits.MAX_FILE_BYTES, "a brat file"), options.encoding)
    except FileNotFoundError:
        return Problem(str(path), "no such file; brat needs NAME.txt and NAME.ann side by side")
    except (OSError, TextError) as error:
        return Problem(str(path), str(error))


def _undirected(names: set[str], scheme, ann: Path) -> Iterator[LabelScheme]:
    """The labels of equivalences (``*`` lines) as undirected relation labels, unless the confs say them."""
    said = {label.name for label in scheme.relations} if isinstance(scheme, LabelScheme) else set()
    if names - said:
        yield LabelScheme((), str(ann), tuple(RelationLabel(name, directed=False) for name in sorted(names - said)))


def _parse_ann(lines: list[str], text: str, where: str, known, options: ReadOptions, rules: RelationRules) -> tuple[list[Span], brat_relations.Found]:
    mapper = offset_map(text)
    spans: dict[str, Span] = {}
    left: set[str] = set()  # T ids not imported (discontinuous, refused)
    problems: list[Problem] = []
    notes: list[tuple[int, str, str]] = []
    linking: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            if line.startswith("T"):
                found = _text_bound(line, text, mapper, known)
                if isinstance(found, tuple) and found[0] in spans:
                    raise AnnotationError(f"{found[0]} is defined twice (again on this line); brat ids must be unique in a file")
                if isinstance(found, tuple):
                    spans[found[0]] = found[1]
                else:
                    left.add(line.split("\t", 1)[0])
                    problems.append(not_carried(options, where, found, number))
            elif line.startswith("#"):
                notes.append(_note(line, number))
            elif line[0] in brat_relations.KINDS:
                linking.append((number, line))
            elif line[0] in _UNSUPPORTED:
                ident = line.split("\t", 1)[0]
                problems.append(not_carried(options, where, f"{_UNSUPPORTED[line[0]]} annotation {ident} is not supported", number))
            else:
                raise AnnotationError(f"not a brat annotation line: {line[:40]!r}")
        except AnnotationError as error:
            if line.startswith("T"):
                left.add(line.split("\t", 1)[0])
            problems.append(Problem(where, str(error), number))
    found = brat_relations.read_lines(linking, spans, left, where, options, rules)
    problems += found.problems + _attach_notes(notes, {**spans, **found.by_id}, where, options)
    found.problems = sorted(problems, key=lambda p: p.line or 0)
    return list(spans.values()), found


def _text_bound(line: str, text: str, mapper, known) -> tuple[str, Span] | str:
    """``(id, span)`` of a T line, or the message why it cannot be kept (discontinuous)."""
    match = _T_LINE.match(line)
    if match is None:
        raise AnnotationError("a T line must be 'T<n><TAB>LABEL START END<TAB>text'")
    ident, label, ranges, covered = match.groups()
    if ";" in ranges:
        return f"discontinuous span {ident} ({ranges}) is not supported"
    if any(len(number) > _MAX_OFFSET_DIGITS for number in ranges.split()):
        raise AnnotationError(f"span {ident} has an offset of more than {_MAX_OFFSET_DIGITS} digits")
    start, end = map(int, ranges.split())
    span = checked_span(text, start, end, label, mapper=mapper, known=known)
    original = text[start:end]
    if covered not in (original, _one_line(original)):
        raise AnnotationError(f"span text {covered!r} does not match the text at {start}-{end}: {original!r}")
    return ident, span


def _note(line: str, number: int) -> tuple[int, str, str]:
    """``(line number, target id, note text)`` of a comment line of any type."""
    match = _NOTE_LINE.match(line)
    if match is None:
        raise AnnotationError("a comment line must be '#<n><TAB>TYPE ID<TAB>text'")
    kind, target = match.group(1), match.group(2)
    text = check_note(match.group(3) or "", f"{kind} comment")
    return number, target, text if kind == NOTES else f"[{kind}] {text}"


def _attach_notes(notes, annotations: dict, where: str, options: ReadOptions) -> list[Problem]:
    """Comments onto the notes of ``annotations`` (spans and relations by their T and R ids)."""
    problems = []
    for number, target, note in notes:
        if target in annotations:
            held = annotations[target]
            held.note = f"{held.note}\n{note}" if held.note else note
        elif target.startswith(("T", "R")):
            problems.append(not_carried(options, where, f"comment on {target}, which is not imported", number))
        else:
            problems.append(not_carried(options, where, f"comment on {target}: only comments on T and R annotations are kept", number))
    return problems


def _one_line(text: str) -> str:
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


# -- the label scheme in the folder's .conf files -------------------------------


def read_confs(folder: Path) -> LabelScheme | Problem | None:
    if not any((folder / name).is_file() for name in CONF_FILES):
        return None
    try:
        sections = {name: _conf_sections(folder / name) for name in CONF_FILES}
        names = [n for n in sections["annotation.conf"].get("entities", []) if not n.startswith("!")]  # !Abstract types annotate nothing
        colors = dict(_drawing(line, "bgColor") for line in sections["visual.conf"].get("drawing", []) if "bgColor:" in line)
        hotkeys = {name: key for key, name in (l.split("\t", 1) for l in sections["kb_shortcuts.conf"].get("", []) if "\t" in l)}
        labels = tuple(
            Label(name, colors.get(name) or palette_color(i), hotkeys.get(name) or None) for i, name in enumerate(names)
        )
        arcs = dict(_drawing(line, "color") for line in sections["visual.conf"].get("drawing", []) if "bgColor:" not in line)
        relations = brat_relations.conf_relation_labels(sections["annotation.conf"].get("relations", []), arcs)
    except (OSError, TextError, AnnotationError, ValueError) as error:
        return Problem(str(folder), f"label scheme in the .conf files: {error}")
    return LabelScheme(labels, str(folder / "annotation.conf"), relations)


def _conf_sections(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {"": []}
    if not path.is_file():
        return sections
    current = ""
    for line in decode(read_limited(path, limits.MAX_SCHEME_BYTES, "a brat .conf file")).split("\n"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, [])
        else:
            sections[current].append(line.split("\t", 1)[0] if current == "entities" else line)
    return sections


def _drawing(line: str, key: str) -> tuple[str, str]:
    """(name, colour) of a visual.conf drawing line: ``bgColor`` of a span label, ``color`` of an arc."""
    name, style = line.split("\t", 1) if "\t" in line else (line.split(None, 1) + [""])[:2]
    color = re.search(key + r":\s*(#[0-9a-fA-F]{6})", style)
    return name.strip(), color.group(1) if color else ""


def _write_confs(folder: Path, labels: list[Label], relation_labels=()) -> None:
    names = [l.name for l in labels if _brat_name(l.name)]
    relations, arcs = brat_relations.conf_lines(relation_labels, _brat_name)
    (folder / "annotation.conf").write_text(
        "[entities]\n" + "".join(f"{n}\n" for n in names) + f"[relations]\n{relations}[events]\n[attributes]\n", encoding="utf-8"
    )
    drawing = "".join(f"{l.name}\tbgColor:{l.color}\n" for l in labels if _brat_name(l.name))
    (folder / "visual.conf").write_text(f"[labels]\n[drawing]\n{drawing}{arcs}", encoding="utf-8")
    keys = "".join(f"{l.hotkey}\t{l.name}\n" for l in labels if l.hotkey and _brat_name(l.name) and not l.hotkey.isspace())
    (folder / "kb_shortcuts.conf").write_text(keys, encoding="utf-8")


def _brat_name(name: str) -> bool:
    return not any(c.isspace() for c in name)


# -- writing ------------------------------------------------------------------


def is_earlier_export(folder: Path) -> bool:
    """Whether an export wrote ``folder`` and nobody changed its files since (its manifest says so).

    A brat project of the user's own (say, one that was imported) is never one, however it looks.
    """
    return earlier_export(folder)


def write(out: Path, items: Iterable[Record], labels: list[Label], log: ExportLog, force: bool = False, relation_labels=()) -> None:
    """Write the pairs and confs into ``out``: a new folder, or files merged into an existing one.

    A file the export did not write (or that was edited since) is never overwritten unless
    ``force``, and never removed; see ``folder_export.export_folder``.
    """
    names: set[str] = set()
    with export_folder(out, NAME, force=force) as export:
        folder = export.staging
        for doc, spans in items:
            name = file_name(doc, names)
            (folder / f"{name}.txt").write_text(doc.text, encoding="utf-8", newline="\n")
            (folder / f"{name}.ann").write_text("".join(_ann_lines(doc, spans, log)), encoding="utf-8", newline="\n")
            log.documents += 1
        _write_confs(folder, labels, relation_labels)
    if export.replaced:
        log.problems.append(Problem(str(out), f"--force: overwrote {len(export.replaced)} file(s) the export had not written or that were changed since: {listed(export.replaced)}", warning=True))
    if export.kept:
        log.problems.append(Problem(str(out), f"kept {len(export.kept)} file(s) of an earlier export that were changed since it wrote them (this export does not write them): {listed(export.kept)}", warning=True))


_UNSAFE = re.compile(r"[^\w.-]+")
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def file_name(doc, taken: set[str]) -> str:
    """The document's source file stem, safe on every OS and unique (case-insensitively) in the folder."""
    stem = Path(doc.source_path.replace("\\", "/")).stem if doc.source_path else ""
    stem = _UNSAFE.sub("_", stem).strip("._")[:100]
    if not stem or stem.lower() in RESERVED_NAMES:
        stem = f"doc-{doc.id:06d}" if not stem else f"{stem}_"
    name = stem if stem.lower() not in taken else f"{stem}-{doc.id}"
    while name.lower() in taken:  # a source really named like "<stem>-<id>"
        name += "_"
    taken.add(name.lower())
    return name


def _ann_lines(doc, spans: list[Span], log: ExportLog) -> Iterator[str]:
    if doc.note:
        log.lost(doc, "brat has no place for a document note; not exported")
    written, numbers = [], count(1)  # comments follow the T or R line they are on, numbered through the file
    for span in spans:
        if not _brat_name(span.label):
            log.lost(doc, f"{describe(doc.text, span)}: brat labels cannot contain spaces; not exported")
            continue
        if span.state != State.ACCEPTED:
            log.lost(doc, f"{describe(doc.text, span)} is {span.state}; brat cannot mark it, exported as an annotation")
        written.append(span)
        log.spans += 1
        yield f"T{len(written)}\t{span.label} {span.start} {span.end}\t{_one_line(doc.text[span.start:span.end])}\n"
        yield from _comment_lines(doc, f"T{len(written)}", span.note, describe(doc.text, span), log, numbers)
    for line, ident, note in brat_relations.ann_relation_lines(doc, written, log, _brat_name):
        yield line
        yield from _comment_lines(doc, ident, note, f"relation {ident}", log, numbers)


def _comment_lines(doc, ident: str, note: str, what: str, log: ExportLog, numbers) -> list[str]:
    """The comments holding a note on ``ident``: one AnnotatorNotes, one per ``[Type]`` line."""
    plain, typed = _comments(note)
    if len(plain) > 1:
        log.lost(doc, f"note of {what} has line breaks; brat keeps one line, written with spaces")
    return [f"#{next(numbers)}\t{kind} {ident}\t{_one_line(text)}\n" for kind, text in ([(NOTES, " ".join(plain))] if plain else []) + typed]


def _comments(note: str) -> tuple[list[str], list[tuple[str, str]]]:
    """A note's plain lines (one AnnotatorNotes comment) and its ``[Type] text`` lines (comments of that type)."""
    plain, typed = [], []
    for line in note.split("\n") if note else []:
        match = _TYPED_NOTE.match(line)
        if match:
            typed.append((match.group(1), match.group(2)))
        else:
            plain.append(line)
    return plain, typed
