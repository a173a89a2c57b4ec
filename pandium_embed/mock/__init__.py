"""MockPandium: a local stand-in for Pandium's hosted pages."""
