# The reliability report line (tests/reliability/tally.py) is printed by tests/conftest.py,
# so it also counts the GUI fault, fuzz and bad-input tests in tests/gui.
