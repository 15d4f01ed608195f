"""Entry point: ``annotator [--db PATH] [VERB ...]`` (``python -m annotator`` too)."""

import sys


def main() -> int:
    from annotator.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
