"""Downloads from a local HTTP server: conditional requests, and the atomic switch that
keeps the last good snapshot when a download is partial, malformed or fails."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from watchlists import SnapshotStore, sample_path
from watchlists.download import SourceFile, WatchlistSource, update_from_sources

HTML = (
    b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body>"
    + b"<p>The download service is under maintenance. Please try again later.</p>" * 40
    + b"</body></html>"
)


class ListServer:
    """Serves `body` at every path; `mode` makes it misbehave the way real servers do."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.bodies: dict[str, bytes] = {}
        self.requests: list[tuple[str, str | None]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("If-None-Match")))
                body = server.bodies.get(self.path, b"")
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if server.mode == "ok" and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                if server.mode == "html":
                    body = HTML
                if server.mode == "missing":
                    self.send_error(404, "Not Found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Fri, 20 Nov 2026 04:00:00 GMT")
                self.end_headers()
                if server.mode == "drop":
                    # half the body, then close: fewer bytes than Content-Length promised
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


@pytest.fixture
def server():
    running = ListServer()
    running.thread.start()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


@pytest.fixture
def store(tmp_path):
    return SnapshotStore(tmp_path / "watchlists")


def sample_source(server: ListServer, min_bytes: int = 1000) -> WatchlistSource:
    server.bodies["/csl/consolidated.csv"] = sample_path().read_bytes()
    url = server.url("/csl/consolidated.csv")
    return WatchlistSource(
        "csl", "csl_csv", (SourceFile(url, "consolidated.csv", min_bytes=min_bytes),)
    )


def test_first_download_snapshots_then_etag_304_changes_nothing(server, store, tmp_path):
    source = sample_source(server)
    [first] = update_from_sources([source], store, tmp_path / "cache")
    assert first.status == "updated" and first.snapshot_id == "wl-0001"
    [second] = update_from_sources([source], store, tmp_path / "cache")
    assert second.status == "not_modified" and second.snapshot_id is None
    assert server.requests[1][1] is not None  # the second request was conditional
    assert second.fetched[0][1] == 304
    assert [s.id for s in store.list()] == ["wl-0001"]


def test_new_content_becomes_a_new_active_snapshot(server, store, tmp_path):
    source = sample_source(server)
    update_from_sources([source], store, tmp_path / "cache")
    lines = sample_path().read_bytes().splitlines(keepends=True)
    server.bodies["/csl/consolidated.csv"] = b"".join(lines[:-2])
    [result] = update_from_sources([source], store, tmp_path / "cache")
    assert result.status == "updated" and result.snapshot_id == "wl-0002"
    assert store.active().entry_count == 38


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("drop", "partial download"),
        ("html", "an HTML page"),
        ("missing", "HTTP 404"),
    ],
)
def test_a_bad_download_keeps_the_last_good_snapshot_and_cache(
    server, store, tmp_path, mode, reason
):
    source = sample_source(server)
    update_from_sources([source], store, tmp_path / "cache")
    cached = (tmp_path / "cache" / "csl" / "consolidated.csv").read_bytes()
    server.bodies["/csl/consolidated.csv"] = sample_path().read_bytes() + b"\n"  # a new version...
    server.mode = mode  # ...that arrives broken
    [result] = update_from_sources([source], store, tmp_path / "cache")
    assert result.status == "failed" and not result.ok
    assert reason in result.message and "last good snapshot kept" in result.message
    assert [s.id for s in store.list()] == ["wl-0001"] and store.active().id == "wl-0001"
    assert (tmp_path / "cache" / "csl" / "consolidated.csv").read_bytes() == cached
    assert not [p for p in (tmp_path / "cache" / "csl").iterdir() if p.name.startswith(".staging")]


def test_a_too_small_file_and_an_unreachable_server_fail(server, store, tmp_path):
    small = sample_source(server, min_bytes=10_000_000)
    [result] = update_from_sources([small], store, tmp_path / "cache")
    assert result.status == "failed" and "fewer than the 10000000 expected" in result.message
    closed = WatchlistSource(
        "un", "un_xml", (SourceFile("http://127.0.0.1:9/x.xml", "consolidated.xml"),)
    )
    [result] = update_from_sources([closed], store, tmp_path / "cache", timeout=5)
    assert result.status == "failed" and "download failed" in result.message
    assert store.list() == []


def test_a_list_of_the_wrong_format_is_refused(server, store, tmp_path):
    source = sample_source(server)
    wrong = WatchlistSource("un", "un_xml", (SourceFile(source.files[0].url, "consolidated.csv"),))
    [result] = update_from_sources([wrong], store, tmp_path / "cache")
    assert result.status == "failed" and "expected un_xml, got csl_csv" in result.message
    assert store.list() == []


def test_ofac_four_files_download_as_one_snapshot(server, store, tmp_path, shared_watchlists):
    folder = shared_watchlists / "ofac-consolidated"
    files = []
    for name in ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"):
        server.bodies[f"/ofac/{name}"] = (folder / name).read_bytes()
        files.append(SourceFile(server.url(f"/ofac/{name}"), name, min_bytes=100))
    source = WatchlistSource("ofac_consolidated", "ofac_cons", tuple(files))
    [result] = update_from_sources([source], store, tmp_path / "cache")
    assert result.status == "updated"
    assert store.get(result.snapshot_id).entry_count == 442
    [again] = update_from_sources([source], store, tmp_path / "cache")
    assert again.status == "not_modified" and [f[1] for f in again.fetched] == [304] * 4


def test_a_refused_shrunk_download_leaves_the_cache_as_it_was(server, store, tmp_path):
    """A version refused by the list checks must not replace the cached copy: its
    validators would otherwise make the next conditional request answer 304 with the
    refused files, and the good version could not be fetched again."""
    source = sample_source(server, min_bytes=100)
    update_from_sources([source], store, tmp_path / "cache")
    cache = tmp_path / "cache" / "csl"
    before = {p.name: p.read_bytes() for p in cache.iterdir()}
    lines = sample_path().read_bytes().splitlines(keepends=True)
    server.bodies["/csl/consolidated.csv"] = b"".join(lines[:11])  # 10 of 40 entries
    [result] = update_from_sources([source], store, tmp_path / "cache")
    assert result.status == "failed" and "75% fewer than wl-0001" in result.message
    assert {p.name: p.read_bytes() for p in cache.iterdir()} == before
    assert [s.id for s in store.list()] == ["wl-0001"]
