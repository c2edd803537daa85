"""Calendars: a meeting as an .ics, and subscription feeds (personal and per group) at secret URLs."""
