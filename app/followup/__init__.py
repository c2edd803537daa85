"""Follow-up dashboards for steering groups, chairs and the secretariat."""
