"""Decisions (beslut): who decided what, when, with which registry number, and whether it was carried out."""
