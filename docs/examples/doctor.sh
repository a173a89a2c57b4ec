# In the environment your app runs with (PANDIUM_ORG, PANDIUM_SHARED_SECRET, ...):
pandium-embed doctor --url http://127.0.0.1:8000 --page http://127.0.0.1:8000/integrations --cookie "session=$SESSION"
