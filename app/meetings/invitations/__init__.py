"""The invitation (kallelse) to a meeting: sent to the group's members and substitutes, answered by a
signed link or in the app, updated or cancelled with the same calendar UID."""
