"""Administration of user accounts (admins only): create, roles, linked person, deactivate, password
links, sessions and tokens, and the security log."""
