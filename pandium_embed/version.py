"""The package version, read by the build (pyproject.toml) and by telemetry; ``pandium_embed.__version__``
re-exports it."""

__version__ = "0.1.0"
