"""Telegram I/O only: parse the update, check the role, call the domain, reply."""
