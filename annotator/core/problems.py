"""Problems found in input files, each naming the file and, where there is one, the line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str
    line: int | None = None
    warning: bool = False  # reported, but does not refuse the input

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


class InputError(Exception):
    """Input was refused; ``problems`` lists every reason, each naming its file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


class ExportError(RuntimeError):
    """An export was refused; the previous output is untouched."""
