"""brat's relation lines, read into relations and written back (issue 14).

- ``R1<TAB>Label Arg1:T1 Arg2:T2``: a relation from the Arg1 span to the Arg2 span.
- ``E1<TAB>Type:T2 Theme:T1 Cause:T3``: an event. We have no events, so each argument becomes
  a relation from the trigger span (T2, a span labelled with the event type) to the argument,
  labelled with the role (``Theme2`` -> ``Theme``: brat numbers repeated roles). An argument
  that is another event stands for that event's trigger. An event without arguments keeps
  only its trigger span, and is reported.
- ``*<TAB>Equiv T1 T2 T3``: an equivalence; undirected relations between consecutive members
  (T1-T2, T2-T3), its label marked undirected in the label scheme.
- A comment (``#1<TAB>AnnotatorNotes R1<TAB>...``) on an R line is that relation's note.
An end that names an annotation left out (a discontinuous span) is reported and its relation
left out; an end naming nothing in the file is an error (a dangling end). Export writes R lines
(and their notes); the relation labels go to annotation.conf's [relations] section with the
allowed ends (``Arg1:ORG|PERSON, Arg2:GPE``; ``<ENTITY>``: any; ``<REL-TYPE>:symmetric`` when
undirected) and their colours to visual.conf (``color:``), read back on import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from annotator.core.model import AnnotationError, Document, Relation, RelationLabel, Span, State
from annotator.formats.records import ExportLog, ReadOptions, not_carried
from annotator.formats.relation_records import RelationRules, build_relation, describe_relation, written_relations
from annotator.formats.relation_scheme import DEFAULT_COLOR
from annotator.core.problems import Problem

KINDS = ("R", "E", "*")
_R_LINE = re.compile(r"^(R\S*)\t(\S+) (\S+):(\S+) (\S+):(\S+)\s*$")
_E_LINE = re.compile(r"^(E\S*)\t(\S+):(\S+)((?: \S+:\S+)*)\s*$")
_EQUIV_LINE = re.compile(r"^\*\t(\S+)((?: \S+){2,})\s*$")
_ROLE_NUMBER = re.compile(r"\d+$")
ANY = ("<ENTITY>", "<ANY>", "<EVENT>")


class _Left(Exception):
    """An end that names an annotation the import leaves out: the relation is reported, not refused."""


@dataclass
class Found:
    """What the relation lines of one .ann file gave."""

    relations: list[Relation] = field(default_factory=list)
    by_id: dict[str, Relation] = field(default_factory=dict)  # R lines, for the comments on them
    undirected: set[str] = field(default_factory=set)  # labels of equivalences
    problems: list[Problem] = field(default_factory=list)


def read_lines(lines: list[tuple[int, str]], spans: dict[str, Span], left: set[str], where: str, options: ReadOptions, rules: RelationRules) -> Found:
    """The relations of the R, E and * ``lines`` (number, text) of a file whose T lines gave
    ``spans`` (by id) and left out the ids in ``left``."""
    found = Found()
    events = _events(lines, where, found)
    ends = _Ends(spans, left, events)
    for number, line in lines:
        try:
            for ident, head, tail, label in _links(line, ends, events):
                relation = build_relation(head, tail, label, rules)
                found.relations.append(relation)
                if ident:
                    found.by_id[ident] = relation
                if line.startswith("*"):
                    found.undirected.add(label)
        except _Left as reason:
            found.problems.append(not_carried(options, where, f"{_name(line)}: {reason}", number))
        except AnnotationError as error:
            found.problems.append(Problem(where, f"{_name(line)}: {error}", number))
    return found


def _name(line: str) -> str:
    ident = line.split("\t", 1)[0]
    return "equivalence" if ident == "*" else ident


def _events(lines: list[tuple[int, str]], where: str, found: Found) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Each event id's trigger id and (role, argument id) pairs."""
    events = {}
    for number, line in lines:
        if line.startswith("E"):
            match = _E_LINE.match(line)
            if match is None:
                continue  # reported when the line is read (_links)
            ident, _, trigger, rest = match.groups()
            events[ident] = (trigger, [tuple(arg.split(":", 1)) for arg in rest.split()])
    return events


class _Ends:
    def __init__(self, spans: dict[str, Span], left: set[str], events: dict) -> None:
        self.spans, self.left, self.events = spans, left, events

    def __call__(self, ident: str) -> Span:
        target = self.events[ident][0] if ident in self.events else ident  # an event stands for its trigger
        if target in self.spans:
            return self.spans[target]
        if target in self.left:
            raise _Left(f"its end {ident} is not imported (see its line)")
        raise AnnotationError(f"{ident} is not defined in this file (a dangling end)")


def _links(line: str, ends: _Ends, events: dict) -> Iterator[tuple[str, Span, Span, str]]:
    """(R id or "", head, tail, label) of each relation the line makes."""
    if line.startswith("R"):
        match = _R_LINE.match(line)
        if match is None:
            raise AnnotationError("an R line must be 'R<n><TAB>LABEL Arg1:T<n> Arg2:T<n>'")
        ident, label, role1, arg1, role2, arg2 = match.groups()
        if (role1, role2) == ("Arg2", "Arg1"):
            arg1, arg2 = arg2, arg1
        yield ident, ends(arg1), ends(arg2), label
    elif line.startswith("E"):
        match = _E_LINE.match(line)
        if match is None:
            raise AnnotationError("an E line must be 'E<n><TAB>TYPE:T<n> ROLE:ID ...'")
        ident, kind, trigger, _ = match.groups()
        if not events[ident][1]:
            raise _Left(f"event {kind} has no arguments: only its trigger {trigger} is kept, as a span")
        head = ends(trigger)
        for role, argument in events[ident][1]:
            yield "", head, ends(argument), _ROLE_NUMBER.sub("", role) or role
    else:
        match = _EQUIV_LINE.match(line)
        if match is None:
            raise AnnotationError("a * line must be '*<TAB>LABEL T<n> T<n> ...' (two members or more)")
        label, members = match.group(1), match.group(2).split()
        for first, second in zip(members, members[1:]):
            yield "", ends(first), ends(second), label


# -- the label scheme in annotation.conf and visual.conf -------------------------


def conf_relation_labels(lines: list[str], colors: dict[str, str]) -> tuple[RelationLabel, ...]:
    """Relation labels of annotation.conf's [relations] lines (``Name<TAB>Arg1:A|B, Arg2:C, ...``);
    ``<OVERLAP>`` and other reserved names, and ``!Abstract`` ones, annotate nothing."""
    labels = []
    for line in lines:
        name, _, rest = line.replace("\t", " ", 1).partition(" ")
        if name.startswith(("<", "!")):
            continue
        args = dict(part.strip().split(":", 1) for part in rest.split(",") if ":" in part)
        heads, tails = (_types(args.get(key, "")) for key in ("Arg1", "Arg2"))
        directed = "symmetric" not in args.get("<REL-TYPE>", "")
        labels.append(RelationLabel(name, colors.get(name) or DEFAULT_COLOR, directed=directed, heads=heads, tails=tails))
    return tuple(labels)


def _types(value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split("|") if name.strip())
    return () if not names or any(name in ANY for name in names) else names


def conf_lines(relation_labels, brat_name) -> tuple[str, str]:
    """annotation.conf's [relations] lines and visual.conf's [drawing] lines for the relation labels."""
    labels = [l for l in relation_labels if brat_name(l.name) and all(brat_name(n) for n in l.heads + l.tails)]
    relations = "".join(
        f"{l.name}\tArg1:{'|'.join(l.heads) or '<ENTITY>'}, Arg2:{'|'.join(l.tails) or '<ENTITY>'}"
        + ("" if l.directed else ", <REL-TYPE>:symmetric") + "\n"
        for l in labels
    )
    return relations, "".join(f"{l.name}\tcolor:{l.color}\n" for l in labels)


# -- writing ------------------------------------------------------------------


def ann_relation_lines(doc: Document, written: list[Span], log: ExportLog, brat_name) -> Iterator[tuple[str, str, str]]:
    """(R line, its id, its note) for each relation whose ends are among the T lines ``written``
    (T<n> is ``written[n - 1]``); every other relation is reported to ``log``."""
    number = 0
    for relation, head, tail in written_relations(doc, written, log):
        if not brat_name(relation.label):
            log.lost(doc, f"{describe_relation(doc.text, relation)}: brat labels cannot contain spaces; not exported")
            log.relations -= 1
            continue
        if relation.state != State.ACCEPTED:
            log.lost(doc, f"{describe_relation(doc.text, relation)} is {relation.state}; brat cannot mark it, exported as a relation")
        number += 1
        yield f"R{number}\t{relation.label} Arg1:T{head + 1} Arg2:T{tail + 1}\n", f"R{number}", relation.note
