"""The outbox as the secretariat sees it: every e-mail the register sends, queued, sent or failed with
its reason, and a button to send a failed one again."""
