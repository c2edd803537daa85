"""KPIs with their 6/12/24-month targets and measurements, the KPIs the register counts by itself, and
their follow-up status."""
