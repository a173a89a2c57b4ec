from pandium_embed import MarketplaceView, PandiumUser

# Which integrations each plan sees is configured with Pandium (and on MockPandium, as groups);
# the token only says which plan this user is on, and what this user may not do.
INSTALLS_PER_PLAN = {"free": 1, "pro": 5, "enterprise": None}  # None: no limit


def identify(request):
    account = request.state.account  # your signed-in account, or None
    if account is None:
        return None
    return PandiumUser(
        account.id,
        email=account.email,
        installed_integrations=account.legacy_integrations,  # ti.ili: external integrations they have
        view=MarketplaceView(
            user_tier=account.plan,
            allowed_installs=INSTALLS_PER_PLAN[account.plan],
            hidden_integrations=account.blocked_integrations,
        ),
        extra={"region": account.region},  # rules MarketplaceView does not name go in extra
    )
