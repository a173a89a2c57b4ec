"""Flask: wrap app.wsgi_app. identify runs before Flask sees the request, so it opens Flask's own
request context to read the session (signed with app.secret_key), as a view would."""

import os

from flask import Flask, session
from werkzeug.wrappers import Request

from pandium_embed import PandiumConfig, PandiumUser
from pandium_embed.wsgi import PandiumWSGIMiddleware

app = Flask(__name__)
app.secret_key = os.environ["SESSION_SECRET_KEY"]


@app.get("/")
def home() -> str:
    return f"hello {session.get('username', 'stranger')}"


def identify(request: Request) -> PandiumUser | None:
    # Inside Flask's request context, flask.session reads as in a view.
    with app.request_context(request.environ):
        username = session.get("username")
    return PandiumUser(username, display_name=username) if username else None


app.wsgi_app = PandiumWSGIMiddleware(app.wsgi_app, config=PandiumConfig.from_env(), identify=identify)  # type: ignore[method-assign]
