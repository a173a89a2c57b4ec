pip install "pandium-embed[mock]" fastapi uvicorn
export PANDIUM_SHARED_SECRET="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
export SESSION_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
pandium-embed mock --port 8001 --parent-origin http://127.0.0.1:8000 &   # prints the export line below
export PANDIUM_ORG=acme PANDIUM_MARKETPLACE_BASE_URL=http://127.0.0.1:8001 PANDIUM_INSTALL_BASE_URL=http://127.0.0.1:8001 PANDIUM_CONNECT_BASE_URL=http://127.0.0.1:8001
DEV_SIGN_IN=1 uvicorn --factory app:create_app --port 8000   # app.py: the quick start above
