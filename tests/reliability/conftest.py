from tests.reliability.tally import TALLY, report_line


def pytest_terminal_summary(terminalreporter):
    if TALLY:
        terminalreporter.write_line(report_line())
