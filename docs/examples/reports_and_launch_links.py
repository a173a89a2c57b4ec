import os

from pandium_embed import ConnectedTenant, PandiumConfig, PandiumMiddleware, RedisTicketStore, launch_url
from pandium_embed.api import verify_tenant

from yourapp import app, identify, load_user, save_connection  # your app, your hooks, your database

config = PandiumConfig.from_env()
LAUNCH_SECRET = os.environ["LAUNCH_SECRET"]  # its own random secret, never PANDIUM_SHARED_SECRET


async def on_connected(request, user, event: ConnectedTenant):
    # The event came from the browser, where anyone can post any tenant id (they are small sequential
    # integers): ask Pandium whether the tenant exists *and* belongs to this user, before saving it.
    tenant = await verify_tenant(
        event.tenant_id,
        api_key=os.environ["PANDIUM_API_KEY"],
        sub=user.sub,
        environment=config.environment,
        base_url=os.environ.get("PANDIUM_API_URL"),
    )
    # And that it is the integration the page said it was.
    if tenant is not None and str(tenant["integration"]["id"]) == event.integration_id:
        await save_connection(user.sub, tenant)


app = PandiumMiddleware(
    app,
    config=config,
    identify=identify,
    on_connected=on_connected,
    launch_secret=LAUNCH_SECRET,
    user_for_sub=load_user,
    ticket_store=RedisTicketStore.from_url(os.environ["REDIS_URL"]),
)

# In an email job: a link that installs integration 42 for user-7, once, within a day, without a session.
link = launch_url(
    config,
    "user-7",
    flow="install",
    integration_id=42,
    max_age=86400,
    launch_secret=LAUNCH_SECRET,
    alone=True,
    base_url="https://app.example.com",
)
