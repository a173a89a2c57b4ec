"""DJANGO_SETTINGS_MODULE for the Django WSGI recipe under gunicorn: the test site's settings, on the
database file the test session set up (named by DJANGO_TEST_DATABASE)."""

import os
from pathlib import Path

from tests.frameworks.django_site import settings_for

globals().update(settings_for(Path(os.environ["DJANGO_TEST_DATABASE"])))
