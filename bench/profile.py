"""``python -m bench.profile mint|docs|passthrough|sign``: a pyinstrument profile of one in-process loop.

For finding the cause when a budget is missed. Needs the ``bench`` extra (pyinstrument).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from . import apps, signing
from .inprocess import make_scope, request_batch

TARGETS = {
    "mint": "/pandium/marketplace",
    "docs": "/docs/marketplace",
    "passthrough": "/hello",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("target", choices=[*TARGETS, "sign"])
    parser.add_argument("-n", type=int, default=20_000, help="iterations (default 20,000)")
    parser.add_argument("--interval", type=float, default=0.0001, help="sampling interval in seconds")
    args = parser.parse_args(argv)
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is missing: run make bench (it installs the bench dependency group)", file=sys.stderr)
        return 2
    profiler = Profiler(interval=args.interval)
    if args.target == "sign":
        with profiler:
            for _ in range(args.n):
                signing.sign_ours()
    else:
        app = apps.pandium(apps.host_app())
        scope = make_scope(TARGETS[args.target])
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(request_batch(app, scope, 100))
            with profiler:
                loop.run_until_complete(request_batch(app, scope, args.n))
        finally:
            loop.close()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
