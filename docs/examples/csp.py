from starlette.middleware import Middleware

from pandium_embed import PandiumConfig, csp_header

config = PandiumConfig.from_env()

# Your own policy, with what the embed needs added where it belongs: the mint route and Pandium's
# origins (the stand-in's, when the base URLs point at it) in frame-src, 'self' for the loader.
POLICY = csp_header(config, base={"default-src": ["'self'"], "img-src": ["'self'", "data:"]})


class ContentSecurityPolicy:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        async def send_with_policy(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message["headers"], (b"content-security-policy", POLICY.encode())]
            await send(message)

        await self.app(scope, receive, send_with_policy)


middleware = [Middleware(ContentSecurityPolicy)]  # with SessionMiddleware and PandiumMiddleware
