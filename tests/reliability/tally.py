"""Counts the reliability tests add up, printed as one report line at the end of the run."""

from collections import Counter

TALLY: Counter = Counter()


def report_line() -> str:
    return (
        f"reliability: {TALLY['trials']} trials, {TALLY['faults']} faults injected, "
        f"{TALLY['inputs']} inputs tried, lost = {TALLY['lost']}"
    )
