#!/usr/bin/env python3
"""The quickstart edge app: a tiny real HTTP service.

GET /health -> 200 {"status": "ok", "version": ..., "color": ...}
GET /       -> a page that shows the version and color.
A release built with FAIL_HEALTH in it answers /health with 503, to show
what a failing deploy looks like; with FAIL_AFTER (seconds) it turns
unhealthy that long after starting, and with FAIL_WHEN_LIVE it is unhealthy
exactly while its own slot is the live one: both show a post-switch rollback.
GET /metrics -> Prometheus text: http_requests_total{color,version,code},
counting every other request. A release built with ERRORS in it answers
`/` with 500 while /health stays green: the failure only metrics see.
"""
import json
import os
import pathlib
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = pathlib.Path(__file__).resolve().parent
VERSION = (HERE / "VERSION").read_text().strip()
COLOR = os.environ.get("RVM_COLOR", "unknown")
HOST = os.environ.get("RVM_HOST", "edge")
FAILING = (HERE / "FAIL_HEALTH").exists()
FAIL_AFTER = float((HERE / "FAIL_AFTER").read_text()) if (HERE / "FAIL_AFTER").exists() else None
FAIL_WHEN_LIVE = (HERE / "FAIL_WHEN_LIVE").exists()
ERRORS = (HERE / "ERRORS").exists()
BASE = os.environ.get("RVM_BASE")
STARTED = time.monotonic()
# Both codes exist from the start, as Prometheus clients export them: a
# ratio of 5xx to all is then 0, not "no data", while the app is fine.
COUNTS = {"200": 0, "500": 0}
COUNTS_LOCK = threading.Lock()


def live():
    return BASE is not None and os.path.realpath(os.path.join(BASE, "current")) == str(HERE)


def failing():
    return FAILING or (FAIL_AFTER is not None and time.monotonic() - STARTED > FAIL_AFTER) or (FAIL_WHEN_LIVE and live())


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/metrics"):
            with COUNTS_LOCK:
                lines = [
                    f'http_requests_total{{color="{COLOR}",version="{VERSION}",code="{c}"}} {n}' for c, n in COUNTS.items()
                ]
            self.reply(200, "# TYPE http_requests_total counter\n" + "\n".join(lines) + "\n", "text/plain; version=0.0.4")
            return
        if self.path.startswith("/health"):
            bad = failing()
            status = 503 if bad else 200
            body = json.dumps({"status": "failing" if bad else "ok", "version": VERSION, "color": COLOR, "host": HOST})
            ctype = "application/json"
        else:
            status = 500 if ERRORS else 200
            body = f"<h1>MyRVM edge {VERSION}</h1><p>host {HOST}, color {COLOR}</p>\n"
            ctype = "text/html"
        with COUNTS_LOCK:
            COUNTS[str(status) if str(status) in COUNTS else "500"] += 1
        self.reply(status, body, ctype)

    def reply(self, status, body, ctype):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    # edge-ctl waits for this line: proof that *this* process holds the port.
    print(f"listening on 127.0.0.1:{sys.argv[1]}", flush=True)
    server.serve_forever()
