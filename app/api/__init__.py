"""The read-only JSON API under /api/v1/, for Power BI, Qlik and other reporting tools."""
