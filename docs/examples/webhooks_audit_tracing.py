import dataclasses
import logging
import os

from pandium_embed import PandiumConfig, PandiumMiddleware, RedisTicketStore
from pandium_embed.api import verify_tenant

from yourapp import app, identify  # your app and your identify hook

config = PandiumConfig.from_env()
audit_log = logging.getLogger("audit")
connections = {}  # tenant id -> {"sub": ..., "seen_by": {...}}: a table in your database


def record_connection(tenant_id, *, seen_by, sub=None):
    # One record per tenant, whichever side tells us first (an upsert in a real database).
    record = connections.setdefault(tenant_id, {"sub": None, "seen_by": set()})
    record["seen_by"].add(seen_by)
    if sub is not None:
        record["sub"] = sub


async def on_webhook(request, event):
    # From Pandium (the secret in the URL says so), but it names no user.
    if event.event_type == "tenant_created" and event.tenant_id is not None:
        record_connection(event.tenant_id, seen_by="pandium")


async def on_connected(request, user, event):
    # From the browser: it names the user, and Pandium confirms the tenant is theirs.
    tenant = await verify_tenant(
        event.tenant_id,
        sub=user.sub,
        api_key=os.environ["PANDIUM_API_KEY"],
        environment=config.environment,
        base_url=os.environ.get("PANDIUM_API_URL"),
    )
    if tenant is not None:
        record_connection(event.tenant_id, seen_by="browser", sub=user.sub)


async def on_mint(request, user, record):
    audit_log.info("pandium %s", dataclasses.asdict(record))


app = PandiumMiddleware(
    app,
    config=config,
    identify=identify,
    on_connected=on_connected,
    webhook_secret=os.environ["PANDIUM_WEBHOOK_SECRET"].split(","),  # "old,new" while rotating
    on_webhook=on_webhook,
    on_mint=on_mint,
    ticket_store=RedisTicketStore.from_url(os.environ["REDIS_URL"]),
)
