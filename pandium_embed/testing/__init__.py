"""Helpers for testing your own app with pandium-embed (public API; see the docs' Testing page)."""
