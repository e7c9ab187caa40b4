"""Accounts, roles and the audit log (operational state, kept apart from the derived warehouse).

The warehouse is rebuilt from the archive at any time, so who may log in and what they did
cannot live there. They live in a small SQLite file (stdlib, safe for several processes):
data/app/accounts.sqlite, or $DA06_ACCOUNTS.
"""
