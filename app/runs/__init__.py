"""Runs: the run form, the live run page and the history."""
