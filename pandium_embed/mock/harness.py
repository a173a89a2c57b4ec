"""``MockPandiumServer``'s former module name: it lives in ``pandium_embed.mock.mock_server``; this
keeps old imports working."""

from .mock_server import DEFAULT_ORG, MockPandiumServer

__all__ = ["DEFAULT_ORG", "MockPandiumServer"]
