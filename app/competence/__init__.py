"""The competence centre's follow-up (issue 4, 002 chapter 3), one sub-package per sub-domain:

- `plan/` – recommendations, work packages A–D, their activities and progress updates, the timeline;
- `kpis/` – KPIs with targets and measurements, the rules of derived KPIs and the follow-up status;
- `usecases/` – problem areas, use cases and the versioned priority list;
- `regions/` – the regions' stance to a common health-data hub and their data maturity;
- `report/` – the printable follow-up report per checkpoint.

The umbrella holds what they share (`common.py`, `quarters.py`, the blueprint and the shared macros)
and the dashboard, the area's landing page (`views.py`).
"""
