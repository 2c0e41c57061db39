"""A local "internet": an HTTP proxy on 127.0.0.1 that serves a simulated :class:`World`.

Clients reach it the way campus machines reach the web, through ``http_proxy`` and
``https_proxy`` (Scrapy honours both), so the code under test keeps the real host names:

- ``GET http://host/path`` (absolute form): answered for ``host``;
- ``CONNECT host:443``: ``200 Connection established``, then TLS is terminated on the same
  socket with a self-signed certificate for ``host`` and the requests inside the tunnel
  (keep-alive, any number) are answered for ``host``;
- ``GET /path`` straight to the server: answered for the ``Host`` header (``default_host``
  when that names the server itself, so a start-URL override to ``http://127.0.0.1:PORT/``
  browses the news site);
- a dead or unknown host: ``502 Bad Gateway`` like squid's "no DNS" page; for CONNECT the
  connection is then closed (Scrapy raises ``TunnelError``).

Every request is logged (:class:`LogEntry`). Nothing is printed: client disconnects and TLS
failures are routine for a proxy and are logged at DEBUG only.
"""

from __future__ import annotations

import io
import logging
import socket
import socketserver
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import urlsplit

from tests.mockweb.messages import HTML_UTF8, Page, Reply, Request, build_reply
from tests.mockweb.site import NEWS_HOST
from tests.mockweb.tls import CertificateStore
from tests.mockweb.world import World, default_world

logger = logging.getLogger(__name__)

_SELF_NAMES = frozenset({"127.0.0.1", "localhost", "::1", ""})


@dataclass(frozen=True)
class LogEntry:
    """One request the mock web answered."""

    method: str
    scheme: str  # "http", or "https" inside a CONNECT tunnel (and for the CONNECT itself)
    host: str  # the host the request was routed to
    path: str  # path and query as requested; "" for CONNECT
    headers: Mapping[str, str] = field(repr=False)
    status: int
    bytes_sent: int  # body bytes (0 for HEAD, 304 and an established CONNECT)

    @property
    def url(self) -> str:
        """The absolute URL (``https://host`` for a CONNECT)."""
        return f"{self.scheme}://{self.host}{self.path}"


class MockWeb:
    """The proxy server and the world it serves; a context manager that starts and stops it.

    >>> with MockWeb() as web:                                      # doctest: +SKIP
    ...     subprocess.run(["archiver", "crawl"], env={**os.environ, **web.env()})
    """

    def __init__(
        self,
        world: World | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        default_host: str = NEWS_HOST,
        idle_timeout: float = 60.0,
    ) -> None:
        self.world = world if world is not None else default_world()
        self.default_host = default_host
        self.idle_timeout = idle_timeout
        self.certificates = CertificateStore()
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._log: list[LogEntry] = []
        self._log_lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> MockWeb:
        """Bind (a free port unless one was given) and serve in a background thread."""
        if self._server is not None:
            return self
        self._server = _Server(self._address, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"mockweb:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close every open connection and release the port."""
        server, self._server = self._server, None
        if server is None:
            return
        self.world.release()  # no handler left waiting on a held request
        server.shutdown()
        server.server_close()
        server.abort_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> MockWeb:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- where it is -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._server is None:
            raise RuntimeError("MockWeb is not running")
        return int(self._server.server_address[1])

    @property
    def proxy_url(self) -> str:
        """``http://127.0.0.1:PORT``: the value for ``http_proxy`` and ``https_proxy``."""
        return f"http://{self._address[0]}:{self.port}"

    @property
    def base_url(self) -> str:
        """The server as an origin (serves ``default_host``)."""
        return self.proxy_url

    def env(self) -> dict[str, str]:
        """Environment variables that send every HTTP(S) request of a child through the mock."""
        proxy = self.proxy_url
        return {
            "http_proxy": proxy, "https_proxy": proxy, "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy,
            "no_proxy": "", "NO_PROXY": "",
        }  # fmt: skip

    # -- the request log -------------------------------------------------------------------

    @property
    def log(self) -> list[LogEntry]:
        """A snapshot of every request answered so far, in order."""
        with self._log_lock:
            return list(self._log)

    def clear_log(self) -> None:
        """Forget the requests logged so far."""
        with self._log_lock:
            self._log.clear()

    def requested_urls(self) -> list[str]:
        """URLs of the logged requests (CONNECTs left out), in order."""
        return [e.url for e in self.log if e.method != "CONNECT"]

    def record(self, entry: LogEntry) -> None:
        """Append to the log (called by the request handlers)."""
        with self._log_lock:
            self._log.append(entry)

    # -- changing the world (shortcuts) ----------------------------------------------------

    def set_page(
        self,
        host: str,
        path: str,
        body: bytes,
        content_type: str = HTML_UTF8,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Page:
        """Serve ``body`` at ``host`` + ``path``; see :meth:`World.set_page`."""
        return self.world.set_page(host, path, body, content_type, status, headers)

    def remove_page(self, host: str, path: str) -> None:
        """Withdraw a page (404 from now on)."""
        self.world.remove_page(host, path)

    def kill_host(self, host: str) -> None:
        """Make ``host`` unreachable (502)."""
        self.world.kill_host(host)

    def revive_host(self, host: str) -> None:
        """Make ``host`` reachable again."""
        self.world.revive_host(host)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a crawler opens many connections at once

    def __init__(self, address: tuple[str, int], web: MockWeb) -> None:
        self.web = web
        self._handlers: set[_Handler] = set()
        self._handlers_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind() calls getfqdn(), a DNS lookup: slow or hanging offline.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("mockweb: error serving %s", client_address, exc_info=True)

    def track(self, handler: _Handler) -> None:
        with self._handlers_lock:
            self._handlers.add(handler)

    def untrack(self, handler: _Handler) -> None:
        with self._handlers_lock:
            self._handlers.discard(handler)

    def abort_connections(self) -> None:
        """Wake every handler blocked on a kept-alive connection; they then end."""
        with self._handlers_lock:
            handlers = list(self._handlers)
        for handler in handlers:
            handler.abort()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, Content-Length on every reply
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server
    tunnel_host: str | None = None

    # -- connection lifecycle --------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.web.idle_timeout)  # idle keep-alives end
        self.server.track(self)

    def handle(self) -> None:
        try:
            super().handle()
        except (OSError, ValueError) as exc:  # client went away, TLS failed, or we are stopping
            logger.debug("mockweb: connection ended: %r", exc)
            self.close_connection = True

    def finish(self) -> None:
        try:
            super().finish()
        except (OSError, ValueError):
            pass
        finally:
            self.server.untrack(self)
            if self.tunnel_host is not None:
                # The TLS socket replaced the accepted one, which the server alone closes.
                self.connection.close()

    def abort(self) -> None:
        """Shut the socket down under a handler blocked reading it."""
        try:
            # socket.socket.shutdown also for TLS sockets: only the descriptor is touched.
            socket.socket.shutdown(self.connection, socket.SHUT_RDWR)
        except OSError:
            pass

    def version_string(self) -> str:
        return "mockweb"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("mockweb: " + format, *args)

    # -- methods ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._refuse()

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def do_CONNECT(self) -> None:
        host = _split_host(self.path)
        request = Request("CONNECT", "https", host, "", "", dict(self.headers.items()))
        if not self.server.web.world.is_reachable(host):
            # Like squid with no DNS for the host: an error reply, then hang up.
            reply = build_reply(_bad_gateway(host), "GET", {})
            self._record(request, reply.status, len(reply.body))
            self._send(Reply(reply.status, [*reply.headers, ("Connection", "close")], reply.body))
            return
        self._record(request, 200, 0)
        self.send_response(200, "Connection established")  # no Content-Length on a 2xx CONNECT
        self.end_headers()
        self._start_tls(host)

    # -- internals -------------------------------------------------------------------------

    def _start_tls(self, host: str) -> None:
        context = self.server.web.certificates.context_for(host)
        try:
            tls = context.wrap_socket(self.connection, server_side=True)
        except OSError as exc:  # the client gave up, or does not speak TLS
            logger.debug("mockweb: TLS handshake for %s failed: %r", host, exc)
            self.close_connection = True
            return
        self.rfile.close()
        self.connection = tls
        self.rfile = tls.makefile("rb")
        self.wfile = cast(io.BufferedIOBase, tls.makefile("wb"))  # flushed after each reply
        self.tunnel_host = host
        self.close_connection = False  # handle() goes on reading requests, now inside TLS

    def _serve(self) -> None:
        request = self._request()
        page = self.server.web.world.resolve(request)
        if page is None:
            reply = build_reply(_bad_gateway(request.host), request.method, {})
        else:
            reply = build_reply(page, request.method, request.headers)
        self._record(request, reply.status, len(reply.body))
        self._send(reply)

    def _refuse(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # keep the connection's framing intact
        request = self._request()
        reply = build_reply(Page(b"", content_type="text/plain", status=405), "GET", {})
        self._record(request, reply.status, 0)
        self._send(reply)

    def _request(self) -> Request:
        """Where the request goes: the tunnel's host, an absolute URI's, or the Host header's."""
        headers = dict(self.headers.items())
        target = urlsplit(self.path)
        if self.tunnel_host is not None:
            scheme, host = "https", self.tunnel_host
        elif target.scheme in ("http", "https"):
            scheme, host = target.scheme, (target.hostname or "")
        else:
            scheme, host = "http", _split_host(self.headers.get("Host", ""))
            if host in _SELF_NAMES:
                host = self.server.web.default_host
        return Request(
            self.command, scheme, host.lower(), target.path or "/", target.query, headers
        )

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if reply.body:
            self.wfile.write(reply.body)

    def _record(self, request: Request, status: int, sent: int) -> None:
        # Called BEFORE the reply is written: a client that has its answer finds it logged.
        path = request.path + (f"?{request.query}" if request.query else "")
        self.server.web.record(
            LogEntry(
                request.method, request.scheme, request.host, path, request.headers, status, sent
            )
        )


def _split_host(authority: str) -> str:
    """``host:port`` (or ``[v6]:port``) → lower-case host."""
    return (urlsplit(f"//{authority}").hostname or "").lower()


def _bad_gateway(host: str) -> Page:
    """Squid's answer for a host with no DNS record."""
    body = (
        "<html><head><title>ERROR: The requested URL could not be retrieved</title></head>\n"
        "<body><h1>ERROR</h1><h2>The requested URL could not be retrieved</h2>\n"
        f"<p>Unable to determine IP address from host name <q>{host}</q></p>\n"
        "<p>The DNS server returned: Name Error: The domain name does not exist.</p>\n"
        "</body></html>\n"
    ).encode()
    return Page(body, status=502, headers={"X-Squid-Error": "ERR_DNS_FAIL 0"})
