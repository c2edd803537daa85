"""The competence centre's follow-up: work packages A–D, activities, KPIs with targets (issue 4).

So far only the target logic (targets.py) exists; models, pages and seed loading come next.
"""
