"""Serve the mock web until killed: ``python -m tests.mockweb --port 8899``.

Prints the proxy URL on stdout, then e.g. ``https_proxy=$URL http_proxy=$URL archiver crawl``
crawls the simulated world by hand. Requests are logged on stderr with ``--verbose``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading

from tests.mockweb.server import MockWeb
from tests.mockweb.world import default_world, make_world


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv``, serve until interrupted, return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tests.mockweb", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument(
        "--articles", type=int, default=0,
        help="serve a generated mirror of this many articles instead of the default world",
    )  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true", help="log requests on stderr")
    args = parser.parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(message)s", stream=sys.stderr)
    world = make_world(args.articles) if args.articles else default_world()
    with MockWeb(world, host=args.host, port=args.port) as web:
        print(web.proxy_url, flush=True)
        print(
            f"export http_proxy={web.proxy_url} https_proxy={web.proxy_url} no_proxy=\n"
            f"start URLs: {' '.join(world.expected.start_urls)}\nCtrl-C to stop",
            file=sys.stderr, flush=True,
        )  # fmt: skip
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
