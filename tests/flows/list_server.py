"""A list server for the chaos tests, run as its own process:

    python list_server.py ROOT PORT_FILE

serves the files under ROOT over HTTP on a free port (written to PORT_FILE). A file
`ROOT/cut.json`, read on every request, cuts downloads off: `{"/ofac/sdn.csv": 0.9}`
sends the first 90 % of that file and closes the connection, after a Content-Length
that promised all of it; `[0.9, "no-length"]` sends no length at all, as a server
streaming the file would; `[0.9, "lines"]` sends no length either and cuts after the
last whole line, so that nothing in the bytes shows the cut.
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def serve(root: Path, port_file: Path) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            file = root / path.lstrip("/")
            if not file.is_file():
                self.send_error(404, "Not Found")
                return
            body = file.read_bytes()
            cuts = root / "cut.json"
            cut = json.loads(cuts.read_text()).get(path) if cuts.exists() else None
            share, how = (cut, "short") if not isinstance(cut, list) else cut
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            if cut is None or how == "short":
                self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if cut is not None:
                body = body[: int(len(body) * share)]
                if how == "lines":
                    body = body[: body.rfind(b"\n") + 1]
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_file.write_text(str(httpd.server_address[1]))
    httpd.serve_forever()


if __name__ == "__main__":
    serve(Path(sys.argv[1]), Path(sys.argv[2]))
