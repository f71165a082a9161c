"""Logins, roles and API tokens."""
