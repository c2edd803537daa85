"""The start page: what the register holds, what needs attention, what changed lately."""
