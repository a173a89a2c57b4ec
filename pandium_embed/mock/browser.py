"""``chromium_path``'s former module name: it lives in ``pandium_embed.testing.chromium``; this keeps
old imports working."""

from ..testing.chromium import CHROMIUM_ARGS, chromium_path

__all__ = ["CHROMIUM_ARGS", "chromium_path"]
