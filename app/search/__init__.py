"""Search across assignments, decisions and meetings."""
