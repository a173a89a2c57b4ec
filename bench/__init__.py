"""Benchmarks and the soak for pandium-embed: ``make bench`` and ``make soak`` (see docs/BENCHMARKS.md)."""
