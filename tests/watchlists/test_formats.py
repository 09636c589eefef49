"""Format detection, the one-line error on a file that is not a list, and the formats
without a shared real copy (CSL JSON, OpenSanctions, custom CSV), built here."""

from __future__ import annotations

import csv
import json

import pytest

from watchlists import WatchlistFormatError, detect_format, load_watchlist, sample_path


def write_orders(path):
    path.write_text(
        "transaction_id,order_date,customer_name,customer_country\nT-1,2026-01-02,Acme,US\n",
        encoding="utf-8",
    )
    return path


def test_a_transactions_file_fails_with_one_line_naming_file_and_expected_formats(tmp_path):
    orders = write_orders(tmp_path / "orders.csv")
    with pytest.raises(WatchlistFormatError) as error:
        load_watchlist(orders)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("orders.csv: not a watchlist file")
    assert "CSL CSV with columns _id,source" in message and "OFAC sdn.csv" in message


def test_html_served_as_a_list_is_named_as_html(tmp_path):
    page = tmp_path / "consolidated.csv"
    page.write_text(
        "<!DOCTYPE html><html><body>Service unavailable</body></html>", encoding="utf-8"
    )
    with pytest.raises(WatchlistFormatError, match=r"^consolidated\.csv: an HTML page"):
        load_watchlist(page)


def test_a_file_named_sdn_csv_that_is_not_ofac_is_refused(tmp_path):
    fake = tmp_path / "sdn.csv"
    fake.write_text("name,country\nAcme,US\n", encoding="utf-8")
    with pytest.raises(WatchlistFormatError, match=r"^sdn\.csv: not an OFAC file"):
        load_watchlist(tmp_path)


def test_an_ofac_file_under_another_name_says_how_to_fix_it(tmp_path, shared_watchlists):
    renamed = tmp_path / "sdn (1).csv"
    renamed.write_bytes((shared_watchlists / "ofac-sdn" / "sdn.csv").read_bytes()[:5000])
    with pytest.raises(WatchlistFormatError, match="keep OFAC's file names"):
        load_watchlist(renamed)


def test_missing_path_and_empty_folder_are_format_errors(tmp_path):
    with pytest.raises(WatchlistFormatError, match="no such file"):
        load_watchlist(tmp_path / "absent.csv")
    with pytest.raises(WatchlistFormatError, match="holds no watchlist file"):
        load_watchlist(tmp_path)


def test_bundled_sample_is_a_fictional_csl_list_over_five_sub_lists():
    load = load_watchlist(sample_path())
    assert load.format == "csl_csv"
    codes = {e.list_code for e in load.entries}
    assert codes == {"EL", "MEU", "UVL", "DPL", "SDN"}
    assert 35 <= len(load.entries) <= 45
    assert {"person", "entity", "vessel"} <= {e.type for e in load.entries}
    assert {"CN", "HK", "SG", "MY", "RU", "IR", "MO"} <= {
        c for e in load.entries for c in e.countries
    }
    assert all(e.aliases or e.type in ("person", "vessel", "unknown") for e in load.entries)
    assert not any("successor" in e.name or "?" in e.name for e in load.entries)
    el = [e for e in load.entries if e.list_code == "EL"]
    assert all(e.license_requirement for e in el)


def test_csl_json_lands_in_the_same_entries_as_the_csv(tmp_path):
    csv_entries = {e.entry_id: e for e in load_watchlist(sample_path()).entries}
    with sample_path().open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    results = []
    for row in rows:
        item = dict(row)
        item["id"] = item.pop("_id")
        for key in ("alt_names", "programs", "citizenships", "nationalities", "dates_of_birth"):
            item[key] = [v.strip() for v in row[key].split(";") if v.strip()]
        item["addresses"] = [
            {"address": a.strip()} for a in row["addresses"].split(";") if a.strip()
        ]
        results.append(item)
    document = {
        "sources_used": [{"source_last_updated": "2026-11-20T04:00:00"}],
        "results": results,
    }
    path = tmp_path / "consolidated.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    load = load_watchlist(path)
    assert load.format == "csl_json"
    assert load.source_date == "2026-11-20"
    assert {e.entry_id: e for e in load.entries} == csv_entries


def ftm_lines() -> list[dict]:
    return [
        {
            "id": "NK-abc",
            "schema": "Company",
            "target": True,
            "caption": "Jade Harbour Trading Limited",
            "datasets": ["us_trade_csl"],
            "properties": {
                "name": ["Jade Harbour Trading Limited"],
                "alias": ["JHT Limited"],
                "weakAlias": ["JHT"],
                "country": ["hk"],
                "addressEntity": ["addr-1"],
                "sourceUrl": ["https://example.org/jht"],
            },
        },
        {
            "id": "addr-1",
            "schema": "Address",
            "target": False,
            "properties": {
                "full": ["12 Tai Lin Pai Road, Kwai Chung, Hong Kong"],
                "country": ["hk"],
            },
        },
        {
            "id": "san-1",
            "schema": "Sanction",
            "target": False,
            "properties": {
                "entity": ["NK-abc"],
                "program": ["Entity List"],
                "startDate": ["2024-12-03"],
            },
        },
        {
            "id": "NK-def",
            "schema": "Person",
            "target": True,
            "caption": "ZHOU Minghui",
            "datasets": ["us_ofac_sdn"],
            "properties": {"name": ["ZHOU Minghui"], "nationality": ["cn"]},
        },
    ]


def test_opensanctions_ftm_targets_with_linked_addresses_and_sanctions(tmp_path):
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(json.dumps(o) for o in ftm_lines()) + "\n", encoding="utf-8")
    load = load_watchlist(path)
    assert load.format == "opensanctions_ftm"
    entries = {e.entry_id: e for e in load.entries}
    assert set(entries) == {"os:NK-abc", "os:NK-def"}  # the Address and Sanction are not parties
    company = entries["os:NK-abc"]
    assert company.type == "entity" and company.list_code == "CSL"
    assert [(a.name, a.strength) for a in company.aliases] == [
        ("JHT Limited", "strong"),
        ("JHT", "weak"),
    ]
    assert company.addresses[0].country == "HK" and company.countries == ["HK"]
    assert company.programs == ["Entity List"] and company.start_date == "2024-12-03"
    assert entries["os:NK-def"].type == "person" and entries["os:NK-def"].countries == ["CN"]


def test_opensanctions_targets_simple_csv(tmp_path):
    path = tmp_path / "targets.simple.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            [
                "id",
                "schema",
                "name",
                "aliases",
                "birth_date",
                "countries",
                "addresses",
                "identifiers",
                "sanctions",
                "phones",
                "emails",
                "dataset",
                "first_seen",
                "last_seen",
                "last_change",
            ]
        )
        writer.writerow(
            [
                "NK-1",
                "Organization",
                "Merlion Apex Components Pte. Ltd.",
                "Merlion Apex;MAC Components",
                "",
                "sg",
                "10 Ubi Crescent, Singapore",
                "",
                "Entity List",
                "",
                "",
                "US Trade Consolidated Screening List (CSL)",
                "2025-01-16T00:00:00",
                "2026-11-01T00:00:00",
                "2025-02-01T00:00:00",
            ]
        )
        writer.writerow(
            [
                "NK-2",
                "Person",
                "Reza KARIMIFAR",
                "",
                "",
                "ir;ae",
                "",
                "",
                "",
                "",
                "",
                "US BIS Denied Persons List",
                "2025-02-10T00:00:00",
                "2026-11-01T00:00:00",
                "2025-03-05T00:00:00",
            ]
        )
    load = load_watchlist(path)
    assert load.format == "opensanctions_csv"
    assert load.source_date == "2025-03-05"
    first, second = load.entries
    assert first.entry_id == "os:NK-1" and first.list_code == "CSL"
    assert [a.name for a in first.aliases] == ["Merlion Apex", "MAC Components"]
    assert first.countries == ["SG"] and first.type == "entity"
    assert second.countries == ["IR", "AE"] and second.type == "person"


def test_custom_csv_for_an_internal_denied_list(tmp_path):
    path = tmp_path / "internal.csv"
    path.write_text(
        "id,name,aliases,country,address,list,notes\n"
        'D-1,Northwind Relay Trading,Northwind Relay;NWR Trading,Hong Kong,"5 Canton Rd, Kowloon",'
        "internal denied,Refused end-use statement 2025\n"
        "D-2,Oskar Brandvik,,Norway,,,\n",
        encoding="utf-8",
    )
    assert detect_format(path) == "custom_csv"
    first, second = load_watchlist(path).entries
    assert first.entry_id == "custom:D-1" and first.list_code == "INTERNAL-DENIED"
    assert [a.name for a in first.aliases] == ["Northwind Relay", "NWR Trading"]
    assert first.addresses[0].country == "HK" and first.remarks == "Refused end-use statement 2025"
    assert second.list == "Internal list" and second.countries == ["NO"] and second.aliases == []


def test_custom_csv_with_duplicate_ids_is_refused(tmp_path):
    path = tmp_path / "internal.csv"
    path.write_text("id,name\n1,Alpha\n1,Beta\n", encoding="utf-8")
    with pytest.raises(WatchlistFormatError, match="duplicate id '1'"):
        load_watchlist(path)


def test_custom_csv_row_without_name_or_id_is_refused_not_dropped(tmp_path):
    path = tmp_path / "internal.csv"
    path.write_text("id,name\n1,Alpha\n,\n2,  \n", encoding="utf-8")
    with pytest.raises(WatchlistFormatError, match=r"internal.csv: data row 3: id '2' has no name"):
        load_watchlist(path)
    path.write_text("id,name\n1,Alpha\n,Beta\n", encoding="utf-8")
    with pytest.raises(WatchlistFormatError, match=r"internal.csv: data row 2: no id"):
        load_watchlist(path)
    path.write_text("id,name\n1,Alpha\n,\n2,Beta\n", encoding="utf-8")  # a bare-comma line
    assert [e.name for e in load_watchlist(path).entries] == ["Alpha", "Beta"]
