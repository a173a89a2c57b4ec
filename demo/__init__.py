"""Acme CRM: a small host app that embeds Pandium through pandium-embed (run with `make demo`)."""
