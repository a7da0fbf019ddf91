"""A stub webhook receiver on the loopback address: records what it receives and answers with the status
codes it is told (then 200)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ..cbec.test_orders import cbec  # noqa: F401 - the CBEC fixture, for the consumer-data reads
from ..servicedesk.conftest import desk  # noqa: F401 - the service-desk fixture, for the escalation events


class Receiver:
    def __init__(self):
        self.received: list[dict] = []
        self.answers: list[int] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                receiver.received.append({"headers": dict(self.headers), "body": self.rfile.read(length)})
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def receiver(settings):
    settings.BONDZONE_WEBHOOK_ALLOW_PRIVATE = True
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()
