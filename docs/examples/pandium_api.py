import os

from pandium_embed.api import AsyncPandiumAPI, PandiumNotFound

from yourapp import send_message, users  # your user table and the way you reach a user

pandium = AsyncPandiumAPI(
    os.environ["PANDIUM_API_KEY"],
    environment=os.environ.get("PANDIUM_ENV", "sandbox"),
    base_url=os.environ.get("PANDIUM_API_URL"),  # unset: the environment's own API host
)


async def on_webhook(request, event):
    # run_failed names the tenant, not the user: Pandium's tenant says whose it is.
    if event.event_type != "run_failed" or event.tenant_id is None:
        return
    owner = await pandium.tenant_owner(event.tenant_id)  # the token's sub, lower-cased by Pandium
    user = users.find_by_sub_ignoring_case(owner) if owner else None
    if user is None:
        return
    try:
        await pandium.tenant(event.tenant_id, sub=user.sub)  # the ownership rule has the last word
    except PandiumNotFound:
        return
    name = event.integration_name or "An integration"
    send_message(user, f"{name} stopped syncing. We are looking into it.")


async def delete_account(user):
    # Archive every tenant of the user on Pandium before their account goes: safe to run again.
    await pandium.archive_all(sub=user.sub)
    users.delete(user)
