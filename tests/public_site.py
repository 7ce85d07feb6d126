"""A plain HTTP server on 127.0.0.1 standing in for a site on the internet (the module may be
told to fetch from it) or for an internal service (it must never be reached). Counts every hit."""

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from helpers import png_bytes

OVERSIZED_BYTES = 11 * 1024 * 1024


class Site:
    def __init__(self):
        self.hits: Counter = Counter()
        self.authorizations: list[str] = []  # every Authorization header received
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                site.hits[parts.path] += 1
                if self.headers.get("Authorization"):
                    site.authorizations.append(self.headers["Authorization"])
                if parts.path == "/image.png":
                    self._send(200, "image/png", png_bytes((10, 120, 200), (96, 64)))
                elif parts.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", parse_qs(parts.query)["to"][0])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif parts.path == "/oversized.png":
                    self._send(200, "image/png", png_bytes() + b"\0" * OVERSIZED_BYTES)
                elif parts.path == "/page.png":
                    self._send(200, "image/png", b"<html>not an image</html>")
                else:
                    self._send(404, "text/plain", b"not found")

            def _send(self, code, content_type, body):
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading at its size cap

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> "Site":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
