"""Render the README's screenshots of the review app from a demo workspace.

    redflag demo --workspace /tmp/demo-ws
    python docs/screenshots/render.py /tmp/demo-ws

Serves the review app over the workspace's case store on 127.0.0.1, logs in as a
screenshot account (created once, an admin), then writes queue.png, case.png (the highest-risk case with a list hit), case-390.png (the
same at 390 px wide) and dashboard.png beside this script. Needs Playwright and
Debian's Chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import secrets
import socket
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from cases.queue import QueueFilter, queue_rows
from cases.store import CaseStore, utc_now
from cases.webapp import create_app

HERE = Path(__file__).resolve().parent
USER = "screenshots"


def serve(store: CaseStore, workspace: Path) -> tuple[uvicorn.Server, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(store, secrets.token_bytes(32), attachments=workspace / "attachments")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))  # fmt: skip
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path, help="a workspace `redflag demo` filled")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNG files")
    args = parser.parse_args()
    store = CaseStore.for_workspace(args.workspace)
    password = secrets.token_urlsafe(18)
    if store.accounts.get(USER) is None:
        store.add_user(USER, "admin", password)
    else:  # a fresh password each time: nobody needs to know it
        store.accounts.set_password(USER, password, USER)
    rows, _ = queue_rows(store, QueueFilter(list="EL"), utc_now(), 1)
    rows = rows or queue_rows(store, QueueFilter(), utc_now(), 1)[0]
    case_id = rows[0].case_id
    server, base = serve(store, args.workspace)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])  # fmt: skip
        for width, shots in ((1280, ("queue", "case", "dashboard")), (390, ("case",))):
            page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
            page.goto(f"{base}/login")
            page.fill("input[name=username]", USER)
            page.fill("input[name=password]", password)
            page.click("button:has-text('Log in')")
            page.wait_for_url(f"{base}/queue")
            suffix = "" if width == 1280 else f"-{width}"
            for shot in shots:
                path = {"queue": "/queue", "case": f"/cases/{case_id}",
                        "dashboard": "/dashboard"}[shot]  # fmt: skip
                page.goto(f"{base}{path}")
                page.screenshot(path=str(args.out / f"{shot}{suffix}.png"),
                                full_page=shot != "queue")  # fmt: skip
        browser.close()
    server.should_exit = True
    store.close()
    print(f"screenshots of {case_id} and the queue written to {args.out}")


if __name__ == "__main__":
    main()
