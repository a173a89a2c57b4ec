"""The one written contract for Pandium's messages (pandium_embed/schema), and everything held to it:
the documented examples, every message the stand-in sends, the event parser and the loader's types."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from pandium_embed import PandiumConfig, PandiumUser, connect_url, install_url, marketplace_url, mint_token
from pandium_embed.mock import Integration, MockPandium
from pandium_embed.reports import EventRejected, parse_event
from pandium_embed.schema import (
    INVALID,
    SCHEMA_FILE,
    SCHEMA_VERSION,
    UNKNOWN_MESSAGE,
    MessageInvalid,
    message_schema,
    validate_message,
)
from tests.support.asgi import quiet_httpx, sync_client
from tests.support.mock import SUCCESS_EXAMPLE, USER, load_success_example, page_data

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = message_schema()
MESSAGES = [name for name in SCHEMA["$defs"] if name.startswith("pandium-")]
SOURCES = {"documented", "example", "assumed"}
# The loader's event for each message (pandium:resize carries the height of content-height-change).
EVENTS = {
    "pandium-content-height-change": "pandium:resize",
    "pandium-save-sync": "pandium:save-sync",
    "pandium-install-cancel": "pandium:install-cancel",
    "pandium-success": "pandium:success",
}
# The messages the loader reports to the backend, which pandium_embed.reports parses.
REPORTED = ("pandium-success", "pandium-save-sync")
SECRET = "schema-tests-shared-secret-0123456789abcd"
BASE = "http://localhost:9999"


def examples() -> list[dict[str, Any]]:
    return [example for name in MESSAGES for example in SCHEMA["$defs"][name]["examples"]]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def required_paths(schema: dict[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every path the schema requires, following required objects down."""
    schema = resolve(schema)
    for name in schema.get("required", []):
        yield (*prefix, name)
        yield from required_paths(schema["properties"][name], (*prefix, name))


def minimal(value: Any, schema: dict[str, Any]) -> Any:
    """``value`` cut down to what the schema requires."""
    schema = resolve(schema)
    if not isinstance(value, dict) or "required" not in schema:
        return value
    return {name: minimal(value[name], schema["properties"][name]) for name in schema["required"]}


def without(message: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(message)
    target = changed
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    return changed


def annotated_properties(schema: dict[str, Any], where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, field in schema.get("properties", {}).items():
        yield f"{where}/{name}", field
        yield from annotated_properties(field, f"{where}/{name}")


# -- the schema itself ------------------------------------------------------------------------------


def test_the_schema_is_valid_versioned_and_shipped_as_package_data() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert f"pandium-messages.v{SCHEMA_VERSION}.json" == SCHEMA_FILE
    assert SCHEMA["x-schema-version"] == SCHEMA_VERSION
    assert SCHEMA["$id"].endswith(f":{SCHEMA_VERSION}")
    assert (ROOT / "pandium_embed" / "schema" / SCHEMA_FILE).is_file()
    assert sorted(MESSAGES) == sorted(EVENTS)


def test_every_field_says_whether_pandium_documents_it() -> None:
    for name in SCHEMA["$defs"]:
        for where, field in annotated_properties(SCHEMA["$defs"][name], name):
            assert field.get("x-pandium") in SOURCES, where
    # What Pandium's documentation names is marked so; the tenant of a cancel is ours alone.
    for name in MESSAGES:
        for field in SCHEMA["$defs"][name]["required"]:
            assert SCHEMA["$defs"][name]["properties"][field]["x-pandium"] == "documented"
    assert {field["x-pandium"] for field in SCHEMA["$defs"]["cancelledTenant"]["properties"].values()} == {"assumed"}


def test_the_documented_example_is_the_fixture_and_every_example_validates() -> None:
    assert SCHEMA["$defs"]["pandium-success"]["examples"] == [load_success_example()]
    assert json.loads(SUCCESS_EXAMPLE.read_text(encoding="utf-8"))["message"] == "pandium-success"
    for example in examples():
        validate_message(example)
        validate_message(minimal(example, SCHEMA["$defs"][example["message"]]))


@pytest.mark.parametrize("name", MESSAGES)
def test_a_missing_required_field_is_named(name: str) -> None:
    [example] = SCHEMA["$defs"][name]["examples"]
    for path in required_paths(SCHEMA["$defs"][name]):
        if path == ("message",):
            continue
        with pytest.raises(MessageInvalid) as raised:
            validate_message(without(example, path))
        where = "/".join(path[:-1]) or "the top level"
        problem = f"{path[-1]!r} is a required property"
        assert str(raised.value) == INVALID.format(name=name, where=where, problem=problem)


def test_a_wrong_value_is_described_without_the_value() -> None:
    message = {**load_success_example(), "webhook_url": 12345}
    with pytest.raises(MessageInvalid) as raised:
        validate_message(message)
    assert str(raised.value) == INVALID.format(name="pandium-success", where="webhook_url", problem="type 'string'")
    with pytest.raises(MessageInvalid) as unknown:
        validate_message({"message": "pandium-settings"})
    assert str(unknown.value) == UNKNOWN_MESSAGE.format(name="pandium-settings", names=", ".join(MESSAGES))


# -- the stand-in --------------------------------------------------------------------------------


def stand_in_messages() -> list[dict[str, Any]]:
    """Every kind of message the stand-in's pages post (built as its page script builds them), for a
    user with every claim and one with none, on the marketplace, install-only and Auth-Only pages."""
    integrations = [Integration("1", "HubSpot"), Integration("70", "Zendesk Sync")]
    mock = MockPandium(org="acme", secret=SECRET, parent_origins=["http://127.0.0.1:8000"], integrations=integrations)
    config = PandiumConfig(
        "acme",
        SECRET,
        marketplace_base_url=BASE,
        install_base_url=BASE,
        connect_base_url=BASE,
        connectors={"hubspot": "HubSpot"},
    )
    xti = {"connector_name": "hubspot", "integration_name": "HubSpot", "token": "host-api-credential"}
    messages: list[dict[str, Any]] = [{"message": "pandium-content-height-change", "height": 640}]
    for user in (USER, PandiumUser("bare-user")):
        with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
            pages = [
                client.get(marketplace_url(config, mint_token(config, user))),
                client.get(install_url(config, "70", mint_token(config, user))),
            ]
            auth = client.get(connect_url(config, "hubspot", mint_token(config, user, xti=xti)))
        for page in pages:
            for entry in page_data(page.text)["integrations"]:
                messages.append({"message": "pandium-save-sync", "tenant": entry["tenant"]})
                messages.append({"message": "pandium-install-cancel", "tenant": entry["cancelled"]})
        messages.append(page_data(auth.text)["success"])
    assert {message["message"] for message in messages} == set(MESSAGES)
    return messages


def test_every_message_the_stand_in_sends_validates() -> None:
    for message in stand_in_messages():
        validate_message(message)


def test_the_stand_in_page_script_posts_exactly_those_shapes() -> None:
    # The page script (mock.js) posts the server's data as is: these are its only messages.
    script = (ROOT / "pandium_embed" / "mock" / "static" / "mock.js").read_text(encoding="utf-8")
    assert re.findall(r"post\((.*?)\);", script) == [
        '{ message: "pandium-content-height-change", height: height }',
        '{ message: "pandium-save-sync", tenant: item.tenant }',
        '{ message: "pandium-install-cancel", tenant: current.cancelled }',
        "data.success",
    ]


# -- the event parser ------------------------------------------------------------------------------


def report(message: dict[str, Any]) -> dict[str, Any]:
    """The body the loader's `report` attribute posts for a message."""
    body = {key: value for key, value in message.items() if key != "message"}
    return {"type": message["message"], **body}


def test_the_parser_accepts_every_valid_reported_message() -> None:
    valid = [m for m in [*examples(), *stand_in_messages()] if m["message"] in REPORTED]
    for message in valid + [minimal(m, SCHEMA["$defs"][m["message"]]) for m in valid]:
        event = parse_event(report(message), connectors={})
        assert event.tenant_id == str(message["tenant"]["id"])
        assert event.tenant_name == message["tenant"]["name"]
        assert (event.integration_id, event.integration_name) == (
            str(message["tenant"]["integration"]["id"]),
            message["tenant"]["integration"]["name"],
        )


@pytest.mark.parametrize("name", REPORTED)
def test_the_parser_refuses_a_message_missing_a_required_field_and_names_it(name: str) -> None:
    [example] = SCHEMA["$defs"][name]["examples"]
    paths = [path for path in required_paths(SCHEMA["$defs"][name]) if path != ("message",)]
    assert paths
    for path in paths:
        with pytest.raises(EventRejected) as raised:
            parse_event(report(without(example, path)), connectors={})
        assert f'"{path[-1]}"' in str(raised.value.detail), path
