"""Dated policy layers: each order line is judged by the layers in force on its date.
Every transition is tested on the day before and the day of."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from rule_orders import CATALOG, CONFIGS, canonical, codes_of, flag_of, scenario_rows
from typer.testing import CliRunner

from detectors.base import DetectionContext
from detectors.matching import Matcher, MatchSettings
from detectors.rules import RuleEngine
from detectors.rules.layers import affiliates_rule_in_force, load_layers
from flows.cli import app
from flows.commands.rules import PackError, load_pack
from watchlists.model import WatchlistEntry, entries_to_frame

D = dt.date
CHINA_H20 = {"ship_to_country": "CN", "end_user_country": "CN", "customer_country": "CN",
             "item_sku": "NV-H20-96G", "eccn": "3A991.p"}  # fmt: skip


def test_every_shipped_layer_loads_with_dates_and_sources():
    layers = {layer.id: layer for layer in load_layers(CONFIGS)}
    assert set(layers) >= {"h20-letter-2025", "malaysia-permit-2025", "affiliates-rule-2025",
                           "review-policy-2026-01"}  # fmt: skip
    for layer in layers.values():
        assert layer.sources and layer.effective_from and layer.version


def test_default_pack_carries_the_layers_and_their_rules(pack):
    assert {layer.id for layer in pack.layers} >= {"h20-letter-2025", "affiliates-rule-2025"}
    assert pack.layer_of("E2").id == "h20-letter-2025"
    assert pack.layer_of("M1").id == "malaysia-permit-2025"
    assert pack.layer_of("E1") is None
    assert pack.policy["case_by_case_review"]["in_force_from"] == "2026-01-15"


def test_h20_letter_layer_day_before_and_day_of(scenarios):
    result = scenarios({"before": {**CHINA_H20, "order_date": "2025-04-08"},
                        "on": {**CHINA_H20, "order_date": "2025-04-09"}})  # fmt: skip
    assert "E2" not in codes_of(result, "before")
    flag = flag_of(result, "E2", "on")
    assert flag["evidence"]["policy_layer"] == "h20-letter-2025@2025.04.1"
    assert result.details["policy_layers"]["h20-letter-2025"]["lines_in_force"] == 1


def test_malaysia_permit_day_before_and_day_of(scenarios):
    via = {"ship_to_country": "MY", "end_user_country": "VN", "end_user_name": "Saigon AI JSC"}
    leaves = {"ship_from_country": "MY", "ship_to_country": "SG", "end_user_country": "SG"}
    result = scenarios({
        "via-before": {**via, "order_date": "2025-07-13"}, "via-on": {**via, "order_date": "2025-07-14"},
        "from-before": {**leaves, "order_date": "2025-07-13"},
        "from-on": {**leaves, "order_date": "2025-07-14"},
        "route-on": {"route": "MY;SG", "ship_to_country": "SG", "end_user_country": "SG", "order_date": "2025-07-14"},
        "my-end-user": {"ship_to_country": "MY", "end_user_country": "MY", "order_date": "2025-08-01"},
    })  # fmt: skip
    assert "M1" not in codes_of(result, "via-before") | codes_of(result, "from-before")
    assert {"M1"} <= codes_of(result, "via-on") & codes_of(result, "from-on") & codes_of(
        result, "route-on"
    )
    assert "leaves from Malaysia" in flag_of(result, "M1", "from-on")["reason"]
    assert "M1" not in codes_of(result, "my-end-user")


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (D(2025, 9, 28), False), (D(2025, 9, 29), True),  # in force
        (D(2025, 11, 9), True), (D(2025, 11, 10), False),  # suspended
        (D(2026, 11, 9), False), (D(2026, 11, 10), True),  # back
    ],
)  # fmt: skip
def test_affiliates_rule_switch(day, in_force):
    assert affiliates_rule_in_force(day) is in_force
    assert affiliates_rule_in_force(day, {}) is in_force


def test_affiliates_suspension_extended_in_config():
    settings = {"policy_layers": {"affiliates-rule-2025": {
        "suspensions": [{"from": "2025-11-10", "to": "2027-11-09"}]}}}  # fmt: skip
    assert not affiliates_rule_in_force(D(2026, 11, 10), settings)
    assert not affiliates_rule_in_force(D(2027, 11, 9), settings)
    assert affiliates_rule_in_force(D(2027, 11, 10), settings)
    pack = load_pack(CONFIGS, "default", settings["policy_layers"])
    assert pack.layer("affiliates-rule-2025").suspensions[0].end == D(2027, 11, 9)


def test_a_bad_layer_date_or_unknown_layer_is_one_clear_error():
    with pytest.raises(PackError, match="not an ISO date"):
        load_pack(CONFIGS, "default", {"affiliates-rule-2025": {"effective_from": "soon"}})
    with pytest.raises(PackError, match="unknown layer"):
        load_pack(CONFIGS, "default", {"no-such-layer": {"effective_to": "2026-01-01"}})


def test_review_policy_layer_moves_the_h200_licence_date(scenarios):
    licensed = {"ship_to_country": "CN", "end_user_country": "CN", "customer_country": "CN",
                "item_sku": "NV-H200-SXM5-141G", "license_number": "D1234567"}  # fmt: skip
    result = scenarios({"before": {**licensed, "order_date": "2026-01-14"},
                        "on": {**licensed, "order_date": "2026-01-15"}})  # fmt: skip
    assert "E3" in codes_of(result, "before") and "E3" not in codes_of(result, "on")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    settings = MatchSettings.from_config(yaml.safe_load((CONFIGS / "matching.yaml").read_text()))
    entry = WatchlistEntry(entry_id="t:sugon", source="custom", list="Entity List (EL)", list_code="EL",
                           type="entity", name="Dawning Information Industry Co., Ltd.", countries=["CN"])  # fmt: skip
    return Matcher.build(entries_to_frame([entry]), settings)


def test_listed_parent_only_while_the_affiliates_rule_is_in_force(pack, matcher):
    owned = {"customer_parent_name": "Dawning Information Industry Co., Ltd.",
             "customer_parent_country": "CN", "ship_to_country": "SG", "end_user_country": "SG"}  # fmt: skip
    dates = {"d-0928": "2025-09-28", "d-0929": "2025-09-29", "d-1109": "2025-11-09",
             "d-1110": "2025-11-10", "d-261109": "2026-11-09", "d-261110": "2026-11-10"}  # fmt: skip
    rows = scenario_rows({name: {**owned, "order_date": day} for name, day in dates.items()})
    frame = canonical(rows)
    context = DetectionContext(history=frame.iloc[:0], present_columns=frozenset(frame.columns),
                               policy=pack.policy, catalog=CATALOG,
                               as_of=D(2026, 11, 27), watchlist=matcher)  # fmt: skip
    result = RuleEngine(pack).detect(frame, context)
    fired = {name for name in dates if "P7" in codes_of(result, name)}
    assert fired == {"d-0929", "d-1109", "d-261110"}
    assert flag_of(result, "P7", "d-0929")["hard_stop"]


def test_listed_parent_without_a_watchlist_is_not_evaluable(run):
    result = run([{"customer_parent_name": "X Holdings", "order_date": "2025-10-01"}])
    assert any(n.code == "P7" and "restricted-party list" in n.reason for n in result.not_evaluable)


def test_policy_list_shows_layers_and_dates():
    result = CliRunner().invoke(app, ["policy", "list"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for text in (
        "h20-letter-2025",
        "2025-04-09",
        "2025-11-10 to 2026-11-09",
        "2025-07-14",
        "2026-01-15",
    ):
        assert text in result.output


def test_policy_list_takes_an_extension_from_config(tmp_path: Path):
    config = tmp_path / "settings.yaml"
    config.write_text(
        'policy_layers: {affiliates-rule-2025: {suspensions: [{from: "2025-11-10", to: "2027-11-09"}]}}\n'
    )
    result = CliRunner().invoke(
        app, ["policy", "list", "--config", str(config)], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    assert "2025-11-10 to 2027-11-09" in result.output
