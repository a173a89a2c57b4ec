pandium-embed mock --port 8001 --parent-origin http://localhost:5173 &   # the dev server's origin frames the pages
export PANDIUM_ORG=acme PANDIUM_MARKETPLACE_BASE_URL=http://127.0.0.1:8001 PANDIUM_INSTALL_BASE_URL=http://127.0.0.1:8001 PANDIUM_CONNECT_BASE_URL=http://127.0.0.1:8001
DEV_SIGN_IN=1 uvicorn --factory app:create_app --port 8000 &   # the backend: the quick start's app.py
npm run dev   # the dev server on http://localhost:5173, forwarding /pandium and /dev to port 8000
