make demo   # set up, then run the demo app on http://127.0.0.1:8000 with the Pandium stand-in on :8001
make test   # set up everything (virtualenv, packages, Chromium, TypeScript) and run the whole suite
