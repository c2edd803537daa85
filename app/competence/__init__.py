"""The competence centre's follow-up: work packages A–D, activities, KPIs with targets, use cases,
regional stances and data maturity (issue 4, 002 chapter 3)."""
