"""Seed data (YAML under seed/data/) and the `flask seed` command that loads it."""
