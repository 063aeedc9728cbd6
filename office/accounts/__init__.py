"""Accounts: users and roles, passwords, browser sessions, API tokens, login throttling."""
