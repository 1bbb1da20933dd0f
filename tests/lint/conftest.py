"""The fixtures are user code for the linter to read, never tests to collect or import."""

collect_ignore = ["fixtures"]
