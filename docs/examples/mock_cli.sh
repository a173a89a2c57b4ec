export PANDIUM_SHARED_SECRET="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
pandium-embed mock --port 8001 --parent-origin http://127.0.0.1:8000   # prints the export lines for your app
