"""Healthcare regions, regions and other organisations."""
