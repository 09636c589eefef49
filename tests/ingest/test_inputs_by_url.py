"""Order and list files read from fsspec URLs: fetched into the run's folder first."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest

from flows.ingest.sources import InputError, expand_inputs, expand_sources

ORDERS = "transaction_id,order_date\nT-1,2026-11-27\n"


@pytest.fixture()
def web_folder(tmp_path) -> Iterator[tuple[str, Path]]:
    served = tmp_path / "served"
    served.mkdir()
    (served / "orders.csv").write_text(ORDERS)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", served
    finally:
        server.shutdown()


def test_an_http_url_is_fetched_into_the_downloads_folder(web_folder, tmp_path):
    base, _ = web_folder
    [(origin, local)] = expand_sources([f"{base}/orders.csv"], tmp_path / "downloads")
    assert origin == f"{base}/orders.csv"  # the run summary names the URL, not the copy
    assert local.is_relative_to(tmp_path / "downloads")
    assert local.read_text() == ORDERS


def test_a_missing_http_file_is_one_line_naming_the_url(web_folder, tmp_path):
    base, _ = web_folder
    with pytest.raises(InputError) as error:
        expand_inputs([f"{base}/nothing.csv"], tmp_path / "downloads")
    message = str(error.value)
    assert message.startswith(f"{base}/nothing.csv: cannot be fetched") and "\n" not in message


def test_a_file_url_is_the_local_path(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS)
    assert expand_inputs([f"file://{orders}"], tmp_path / "downloads") == [orders]


def test_a_glob_url_on_an_object_store_fetches_every_match_in_order(tmp_path):
    store = fsspec.filesystem("memory")
    for day in ("2026-11-26", "2026-11-27"):
        store.pipe(f"/exports/orders-{day}.csv", ORDERS.replace("T-1", f"T-{day}").encode())
    store.pipe("/exports/readme.txt", b"not an order file")
    local = expand_inputs(["memory://exports/orders-*.csv"], tmp_path / "downloads")
    assert [p.name for p in local] == ["orders-2026-11-26.csv", "orders-2026-11-27.csv"]
    assert "T-2026-11-27" in local[1].read_text()
    origins = [
        origin for origin, _ in expand_sources(["memory://exports/orders-*.csv"], tmp_path / "d2")
    ]
    assert origins == [
        store.unstrip_protocol(f"/exports/orders-{day}.csv") for day in ("2026-11-26", "2026-11-27")
    ]


def test_an_unknown_protocol_is_one_line(tmp_path):
    with pytest.raises(InputError, match=r"^nosuch://x/orders.csv: cannot read nosuch:// URLs"):
        expand_inputs(["nosuch://x/orders.csv"], tmp_path / "downloads")


def test_rows_rejected_from_a_fetched_file_name_its_url(web_folder, tmp_path):
    from detectors.catalog import catalog_frame
    from flows.ingest.sources import ReadTally, accepted_chunks
    from flows.settings import CONFIGS_DIR, load_pipeline_settings, read_yaml

    base, served = web_folder
    (served / "bad.csv").write_text(
        "transaction_id,order_date,customer_id,customer_name,customer_country,ship_to_name,"
        "ship_to_country,item_sku,item_description,quantity,unit_price,currency\n"
        "T-1,not a date,C-1,Acme,US,Acme,US,NV-H100-80G,H100,1,25000,USD\n"
    )
    [(origin, local)] = expand_sources([f"{base}/bad.csv"], tmp_path / "downloads")
    tally = ReadTally()
    catalog = catalog_frame(read_yaml(CONFIGS_DIR / "items.yaml"))
    accepted = list(
        accepted_chunks(
            [local], catalog, load_pipeline_settings()["ingest"], None, tally, {local: origin}
        )
    )
    assert sum(len(a) for a in accepted) == 0 and tally.rows_rejected == 1
    assert tally.rejected_frame()["source_file"].tolist() == [f"{base}/bad.csv"]


@pytest.mark.flow
def test_a_run_on_an_order_file_given_by_url_lists_it_with_its_hash(
    prefect_harness, web_folder, tmp_path
):
    """The fetched copy lives in the run's work folder, which goes at the end of the
    stages: the summary's inputs are hashed before, and name the URL."""
    import hashlib
    import json

    from typer.testing import CliRunner

    from flows.cli import app
    from flows.commands.generate import generate_command

    base, served = web_folder
    generate_command(rows=200, seed=5, out=served / "day.csv", labels=tmp_path / "labels.csv",
                     watchlist_out=tmp_path / "list.csv")  # fmt: skip
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["--workspace", str(tmp_path / "ws"), "run", "-t", f"{base}/day.csv",
         "-w", str(tmp_path / "list.csv"), "--out", str(out), "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "run_summary.json").read_text())
    digest = hashlib.sha256((served / "day.csv").read_bytes()).hexdigest()
    assert summary["inputs"] == [{"path": f"{base}/day.csv", "sha256": digest}]
    assert summary["counts"]["rows_accepted"] == 200
    assert not list((tmp_path / "ws" / "work").iterdir()), "the work folder is removed"
