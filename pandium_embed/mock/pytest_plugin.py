"""pytest plugin (pytest11 entry point): the ``pandium_mock`` fixture."""
