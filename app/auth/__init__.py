"""Users, sign-in and roles."""
