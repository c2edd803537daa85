"""The plan: recommendations, work packages A–D, their activities with progress updates, and the timeline."""
