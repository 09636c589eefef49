"""Contract 1: reading order files, and bad input that loses nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from detectors.catalog import catalog_frame
from detectors.schema import CANONICAL_COLUMNS, REQUIRED_COLUMNS
from flows.assembly import load_column_map
from flows.ingest.seen_ids import SeenIds
from flows.ingest.sources import InputError, read_orders
from flows.settings import CONFIGS_DIR, load_pipeline_settings

CATALOG = catalog_frame(yaml.safe_load((CONFIGS_DIR / "items.yaml").read_text()))
SETTINGS = load_pipeline_settings()["ingest"]


def order(**overrides: str) -> dict[str, str]:
    row = {
        "transaction_id": "T-1",
        "order_date": "2026-03-02",
        "customer_id": "CUST-1",
        "customer_name": "Nordic Compute AB",
        "customer_country": "SE",
        "ship_to_name": "Nordic Compute AB",
        "ship_to_country": "SE",
        "item_sku": "NV-H100-SXM5-80G",
        "item_description": "NVIDIA H100 SXM5 80GB",
        "quantity": "8",
        "unit_price": "30000",
        "currency": "USD",
    }
    row.update(overrides)
    return row


def write_csv(tmp_path: Path, rows: list[dict[str, str]], name: str = "orders.csv") -> Path:
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def read(paths: list[Path], column_map=None):
    return read_orders(paths, CATALOG, SETTINGS, column_map)


def test_clean_file_is_accepted_and_enriched_from_the_catalog(tmp_path):
    result = read(
        [
            write_csv(
                tmp_path,
                [order(), order(transaction_id="T-2", item_sku="nv-dgx-h100", quantity="1")],
            )
        ]
    )
    assert result.rows_read == 2 and len(result.accepted) == 2 and result.rejected.empty
    assert list(result.accepted.columns) == list(CANONICAL_COLUMNS)
    first, second = result.accepted.iloc[0], result.accepted.iloc[1]
    assert first["eccn"] == "3A090.a" and first["eccn_source"] == "catalog"
    assert first["h100_equivalents"] == pytest.approx(8.0)
    assert second["item_sku"] == "NV-DGX-H100" and second["eccn"] == "4A090.a"
    assert second["h100_equivalents"] == pytest.approx(8.0)


def test_country_names_and_booleans_are_normalized(tmp_path):
    rows = [
        order(
            customer_country="Hong Kong",
            ship_to_country="Macau",
            end_user_country="People's Republic of China",
            route="Singapore; MY",
            declined_installation="Yes",
            changed_after_order="0",
        )
    ]
    accepted = read([write_csv(tmp_path, rows)]).accepted.iloc[0]
    assert (
        accepted["customer_country"],
        accepted["ship_to_country"],
        accepted["end_user_country"],
    ) == ("HK", "MO", "CN")
    assert accepted["route"] == "SG;MY"
    assert accepted["declined_installation"] is True or accepted["declined_installation"] == True  # noqa: E712
    assert accepted["changed_after_order"] == False  # noqa: E712


def test_route_accepts_the_spellings_country_columns_accept(tmp_path):
    # route parts were once looked up verbatim, so 'U.S.' passed as a country but not in a route
    rows = [
        order(transaction_id="T-1", customer_country="U.S.", route="Hong  Kong, U.S."),
        order(transaction_id="T-2", route="Hong  Kong, U.S."),
    ]
    result = read([write_csv(tmp_path, rows)])
    assert result.rejected.empty
    assert result.accepted["customer_country"].iloc[0] == "US"
    assert result.accepted["route"].tolist() == ["HK;US", "HK;US"]


def test_unknown_sku_is_kept_with_unknown_eccn(tmp_path):
    accepted = read([write_csv(tmp_path, [order(item_sku="ACME-WIDGET-9")])]).accepted.iloc[0]
    assert (
        not accepted["catalog_known"]
        and accepted["eccn_source"] == "unknown"
        and pd.isna(accepted["eccn"])
    )


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"order_date": "2026-02-31"}, "unparseable order_date '2026-02-31'"),
        ({"quantity": "eight"}, "unparseable quantity 'eight'"),
        ({"unit_price": "1.2.3"}, "unparseable unit_price '1.2.3'"),
        ({"quantity": "0"}, "quantity must be > 0 (got 0)"),
        ({"unit_price": "-5"}, "unit_price must be >= 0 (got -5)"),
        ({"ship_to_country": "Narnia"}, "unknown country 'Narnia' in ship_to_country"),
        ({"customer_name": ""}, "empty required value in customer_name"),
        ({"currency": "ZZZ"}, "unknown currency 'ZZZ'"),
    ],
)
def test_bad_row_is_rejected_with_its_reason_and_original_values(tmp_path, overrides, reason):
    rows = [order(), order(transaction_id="T-BAD", **overrides), order(transaction_id="T-3")]
    result = read([write_csv(tmp_path, rows)])
    assert result.rows_read == len(result.accepted) + len(result.rejected) == 3
    assert list(result.accepted["transaction_id"]) == ["T-1", "T-3"]
    rejected = result.rejected.iloc[0]
    assert rejected["transaction_id"] == "T-BAD"
    assert reason in rejected["reject_reason"]
    for column, value in overrides.items():
        assert rejected[column] == value  # the original text, not a coerced value
    assert rejected["source_row"] == 2


def test_duplicate_transaction_id_is_rejected_across_files(tmp_path):
    first = write_csv(tmp_path, [order(), order(transaction_id="T-2")], "a.csv")
    second = write_csv(tmp_path, [order(transaction_id="T-2", quantity="99")], "b.csv")
    result = read([first, second])
    assert list(result.accepted["transaction_id"]) == ["T-1", "T-2"]
    assert result.rejected.iloc[0]["reject_reason"] == "duplicate transaction_id 'T-2'"
    assert result.rejected.iloc[0]["quantity"] == "99"
    assert result.reject_counts == {"duplicate_id": 1}


def test_duplicate_transaction_id_is_rejected_across_chunks_of_one_file(tmp_path):
    ids = ["T-1", "T-2", "T-3", " T-2 ", "T-4", "T-1", "T-5"]  # chunks of two rows
    path = write_csv(tmp_path, [order(transaction_id=i) for i in ids])
    result = read_orders([path], CATALOG, {**SETTINGS, "csv_chunk_rows": 2})
    assert list(result.accepted["transaction_id"]) == ["T-1", "T-2", "T-3", "T-4", "T-5"]
    assert list(result.rejected["source_row"]) == [4, 6]
    assert result.reject_counts == {"duplicate_id": 2}


def test_missing_required_columns_fail_the_file_naming_them(tmp_path):
    path = tmp_path / "orders.csv"
    pd.DataFrame([order()]).drop(columns=["quantity", "ship_to_country"]).to_csv(path, index=False)
    with pytest.raises(InputError) as error:
        read([path])
    message = str(error.value)
    assert "orders.csv" in message and "quantity" in message and "ship_to_country" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        ("transaction_id,order_date\nT1,2026-01-01\n".encode("utf-16"), "not UTF-8 text"),
    ],
)
def test_unreadable_csv_is_one_clear_line(tmp_path, content, expected):
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read([path])
    assert expected in str(error.value) and str(path) in str(error.value)


def test_latin1_file_is_a_clear_encoding_error(tmp_path):
    path = tmp_path / "orders.csv"
    frame = pd.DataFrame([order(customer_name="Société Générale Électronique")])
    path.write_bytes(frame.to_csv(index=False).encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        read([path])


def test_utf8_bom_is_tolerated(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(pd.DataFrame([order()]).to_csv(index=False).encode("utf-8-sig"))
    assert len(read([path]).accepted) == 1


def test_parquet_and_xlsx_read_like_csv(tmp_path):
    frame = pd.DataFrame([order(), order(transaction_id="T-2", quantity="3")])
    frame.to_parquet(tmp_path / "orders.parquet")
    frame.to_excel(tmp_path / "orders.xlsx", index=False)
    parquet = read([tmp_path / "orders.parquet"]).accepted
    xlsx = read([tmp_path / "orders.xlsx"]).accepted
    assert list(parquet["quantity"]) == list(xlsx["quantity"]) == [8.0, 3.0]


def test_truncated_parquet_is_one_clear_line(tmp_path):
    pd.DataFrame([order()] * 50).assign(transaction_id=[f"T{i}" for i in range(50)]).to_parquet(
        tmp_path / "full.parquet"
    )
    data = (tmp_path / "full.parquet").read_bytes()
    (tmp_path / "cut.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="cut.parquet: not a readable Parquet file"):
        read([tmp_path / "cut.parquet"])


def test_erp_export_through_a_column_map(tmp_path):
    column_map = load_column_map("sap_sd_export")
    inverse = {v: k for k, v in column_map["columns"].items()}
    assert set(REQUIRED_COLUMNS) <= set(inverse), "the example map covers every required column"
    sap = pd.DataFrame([order(payment_method="Wire Transfer")]).rename(columns=inverse)
    path = tmp_path / "va05.csv"
    sap.to_csv(path, index=False)
    with pytest.raises(InputError, match="missing required column"):
        read([path])
    accepted = read([path], column_map).accepted.iloc[0]
    assert accepted["customer_id"] == "CUST-1" and accepted["payment_method"] == "wire"


def test_a_line_with_too_many_fields_is_rejected_with_its_text(tmp_path):
    path = write_csv(tmp_path, [order(), order(transaction_id="T-2"), order(transaction_id="T-3")])
    lines = path.read_text().splitlines()
    lines[2] = lines[2] + ",surplus"
    path.write_text("\n".join(lines) + "\n")
    result = read([path])
    assert result.rows_read == len(result.accepted) + len(result.rejected) == 3
    assert list(result.accepted["transaction_id"]) == ["T-1", "T-3"]
    rejected = result.rejected.iloc[0]
    assert rejected["reject_reason"].startswith("malformed CSV line 3: expected 12 fields, saw 13")
    assert rejected["raw_line"] == lines[2] and rejected["source_row"] == 2
    assert result.reject_counts == {"malformed_line": 1}


def test_seen_ids_finds_every_earlier_id_and_no_other():
    seen = SeenIds()
    chunks = [  # more chunks than runs kept apart
        pd.Series([f"T-{i:08d}" for i in range(start, start + 5_000)])
        for start in range(0, 60_000, 5_000)
    ]
    for chunk in chunks:
        assert not seen.among(chunk).any()
        seen.add(chunk)
    assert len(seen) == 60_000
    again = pd.Series(["T-00000007", "T-00059999", "T-00060000", "t-00000007", "T-0000007"])
    assert seen.among(again).tolist() == [True, True, False, False, False]


def test_chunks_spooled_in_worker_processes_match_those_spooled_in_order(tmp_path, monkeypatch):
    from flows.ingest import spooling
    from flows.ingest.partitions import spool_orders

    monkeypatch.setattr(spooling, "PARALLEL_MIN_ROWS", 1)  # fork even for small chunks
    rows = [
        order(
            transaction_id=f"T-{i % 170}",  # every id after the 170th repeats an earlier one
            customer_id=f"CUST-{i % 37}",
            quantity="0" if i % 53 == 0 else "8",  # a rejected row now and then
        )
        for i in range(400)
    ]
    paths = [write_csv(tmp_path, rows[:250], "a.csv"), write_csv(tmp_path, rows[250:], "b.csv")]
    settings = {**SETTINGS, "csv_chunk_rows": 60}
    spooled = [
        spool_orders(paths, CATALOG, settings, None, tmp_path / f"spool-{workers}", workers=workers)
        for workers in (1, 2)
    ]
    one, two = spooled
    assert len(one.chunks) == len(two.chunks) == 3  # later chunks repeat earlier ids only
    for a, b in zip(one.chunks, two.chunks, strict=True):
        assert pd.read_parquet(a).equals(pd.read_parquet(b))
    assert one.rows_accepted == two.rows_accepted == 170 - len(range(0, 170, 53))
    assert one.tally.reject_counts == two.tally.reject_counts
    assert one.tally.rejected_frame().equals(two.tally.rejected_frame())
    assert one.links.equals(two.links) and one.customer_rows.equals(two.customer_rows)


@pytest.mark.parametrize(
    ("overrides", "blank", "warning"),
    [
        ({"customer_since": "last spring"}, "customer_since", "not a date"),
        ({"ship_date": "2026-02-31"}, "ship_date", "not a date"),
        ({"declined_installation": "perhaps"}, "declined_installation", "not a yes/no value"),
        ({"route": "SG;Atlantis"}, "route", "unknown country in the route"),
        ({"end_user_country": "Narnia"}, "end_user_country", "unknown country"),
    ],
)
def test_an_unusable_optional_value_is_blanked_with_a_warning_not_the_row_rejected(
    tmp_path, overrides, blank, warning
):
    rows = [order(), order(transaction_id="T-ODD", end_user_name="Someone Ltd", **overrides)]
    result = read([write_csv(tmp_path, rows)])
    assert result.rejected.empty and list(result.accepted["transaction_id"]) == ["T-1", "T-ODD"]
    odd = result.accepted.iloc[1]
    assert pd.isna(odd[blank]) and odd["end_user_name"] == "Someone Ltd"
    [noted] = result.field_warnings.to_dict("records")
    assert noted["transaction_id"] == "T-ODD" and noted["field"] == blank
    assert noted["value"] == overrides[blank] and warning in noted["warning"]
    assert noted["source_row"] == 2


def test_a_rejected_row_has_no_field_warnings_its_reasons_say_it_all(tmp_path):
    rows = [order(transaction_id="T-BAD", quantity="0", customer_since="soon")]
    result = read([write_csv(tmp_path, rows)])
    assert len(result.rejected) == 1 and result.field_warnings.empty


def test_a_german_erp_export_with_its_delimiter_encoding_dates_and_decimals(tmp_path):
    column_map = load_column_map("sap_sd_export") | {
        "delimiter": ";",
        "encoding": "cp1252",
        "date_format": "%d.%m.%Y",
        "decimal": ",",
    }
    inverse = {v: k for k, v in column_map["columns"].items()}
    row = order(
        order_date="02.03.2026",
        customer_since="15.01.2019",
        customer_name="Müller Rechenzentren GmbH",
        quantity="1.200",
        unit_price="31.250,50",
    )
    path = tmp_path / "va05-de.csv"
    pd.DataFrame([row]).rename(columns=inverse).to_csv(
        path, index=False, sep=";", encoding="cp1252"
    )
    with pytest.raises(InputError):  # without the map's options the file cannot be read
        read([path], load_column_map("sap_sd_export"))
    result = read([path], column_map)
    assert result.rejected.empty and result.field_warnings.empty
    accepted = result.accepted.iloc[0]
    assert accepted["customer_name"] == "Müller Rechenzentren GmbH"
    assert str(accepted["order_date"].date()) == "2026-03-02"
    assert str(accepted["customer_since"].date()) == "2019-01-15"
    assert accepted["quantity"] == 1200 and accepted["unit_price"] == 31250.5


def test_a_column_map_with_a_bad_option_is_named_in_one_line(tmp_path):
    path = write_csv(tmp_path, [order()])
    bad = load_column_map("sap_sd_export") | {"encoding": "klingon-8"}
    with pytest.raises(InputError, match="sap_sd_export: unknown encoding 'klingon-8'"):
        read([path], bad)
