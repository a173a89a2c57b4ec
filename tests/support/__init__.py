"""The one home of the suite's helpers: servers, clients, page readers, hand-forged tokens, Redis.

Test modules import from here, never from each other or from a conftest; fixtures live in the
conftest.py files and are built from these helpers.
"""
