"""Assignments (uppdrag): principal, recipient, mandate, lifecycle, phases and status reports."""
