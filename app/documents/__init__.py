"""Documents on records: papers for meetings and agenda items, decisions' attachments, assignments'
deliverables, status reports' appendices, groups' documents – each with a title, a kind and its
versions, the files stored by content (app.core.storage)."""
