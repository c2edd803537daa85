"""Groups of every type, their relations, and NPO hosting."""
