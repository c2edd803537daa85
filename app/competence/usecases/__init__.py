"""Problem areas, use cases and the versioned priority list of use cases."""
