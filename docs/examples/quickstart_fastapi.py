import os

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from starlette.middleware.sessions import SessionMiddleware

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser


def identify(request):  # who is signed in? None answers 401
    user = request.session.get("user")  # what your login view stored
    return PandiumUser(user["id"], email=user["email"]) if user else None


app = FastAPI()
# add_middleware() wraps what is already there: PandiumMiddleware first, SessionMiddleware around it.
app.add_middleware(PandiumMiddleware, config=PandiumConfig.from_env(), identify=identify)
app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET_KEY"])


@app.get("/integrations", response_class=HTMLResponse)
def integrations():
    return '<script src="/pandium/embed.js"></script><pandium-embed view="marketplace"></pandium-embed>'
