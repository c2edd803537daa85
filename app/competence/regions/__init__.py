"""The regions' stance to a common health-data hub and their data maturity."""
