"""People, their memberships in groups, and conflict-of-interest (jäv) declarations."""
