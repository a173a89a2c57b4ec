"""The written contract for the messages Pandium's hosted pages post: one JSON Schema, versioned.

``pandium-messages.v1.json`` (draft 2020-12) covers ``pandium-content-height-change``,
``pandium-save-sync``, ``pandium-install-cancel`` and ``pandium-success``. Each field's ``x-pandium``
says whether Pandium documents it (``documented``), shows it only in its example payload
(``example``), or whether it is this package's assumption (``assumed``). The stand-in's messages, the
loader's TypeScript types and ``pandium_embed.reports`` are tested against it.

``validate_message`` needs ``jsonschema`` (``pip install "pandium-embed[testing]"``).
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["SCHEMA_FILE", "SCHEMA_VERSION", "MessageInvalid", "message_schema", "validate_message"]

SCHEMA_VERSION = 1
SCHEMA_FILE = f"pandium-messages.v{SCHEMA_VERSION}.json"
UNKNOWN_MESSAGE = "{name!r} is not one of the messages in the schema ({names})."
INVALID = "{name} does not match the schema at {where}: {problem}"


class MessageInvalid(ValueError):
    """A message does not match the schema; the text names the message, the field and the rule."""


@functools.cache
def _schema_text() -> str:
    return (resources.files(__name__) / SCHEMA_FILE).read_text(encoding="utf-8")


def message_schema() -> dict[str, Any]:
    """The schema as a fresh dict (yours to change)."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


def validate_message(message: Any) -> None:
    """Raise ``MessageInvalid`` unless ``message`` is a valid message of the schema."""
    from jsonschema import Draft202012Validator, FormatChecker

    schema = message_schema()
    definitions: dict[str, Any] = schema["$defs"]
    name = message.get("message") if isinstance(message, dict) else None
    if not isinstance(name, str) or not name.startswith("pandium-") or name not in definitions:
        names = ", ".join(key for key in definitions if key.startswith("pandium-"))
        raise MessageInvalid(UNKNOWN_MESSAGE.format(name=name, names=names))
    # Validate against the one message's definition, so an error names its field (not "no oneOf branch").
    one = {"$schema": schema["$schema"], "$defs": definitions, "$ref": f"#/$defs/{name}"}
    validator = Draft202012Validator(one, format_checker=FormatChecker())
    error = min(validator.iter_errors(message), key=lambda e: [str(part) for part in e.absolute_path], default=None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        # Never the value itself: a message may carry a webhook URL, which works as a credential.
        problem = error.message if error.validator == "required" else f"{error.validator} {error.validator_value!r}"
        raise MessageInvalid(INVALID.format(name=name, where=where, problem=problem))
