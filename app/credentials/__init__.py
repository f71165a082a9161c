"""Credentials that log on to targets; passwords are write-only."""
