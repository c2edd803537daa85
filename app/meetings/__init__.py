"""Meetings: agenda, attendance, conflicts of interest per item, minutes and their approval."""
