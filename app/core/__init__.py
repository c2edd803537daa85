"""Shared pieces: base model, change log, permission check, pagination, form helpers."""
