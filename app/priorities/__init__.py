"""Priorities: a group's ordered list for a period, with rationale and where the input came from."""
