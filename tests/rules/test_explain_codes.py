"""`rules explain` for codes raised outside the rule pack, and citation keys expanded."""

from __future__ import annotations

from rich.console import Console
from typer.testing import CliRunner

from flows.cli import app
from flows.commands.rules import rules_explain


def quiet() -> Console:
    return Console(file=open("/dev/null", "w"), width=200)  # noqa: SIM115


def test_explain_p1_and_the_model_codes(pack):
    p1 = rules_explain(pack, "P1", quiet())
    assert (
        "restricted-list entry" in p1 and "thresholds.strong" in p1 and "Recommended action" in p1
    )
    anomaly = rules_explain(pack, "ML-ANOMALY", quiet())
    assert "isolation forest" in anomaly and "flag_quantile" in anomaly
    assert "ML-SUPERVISED" in rules_explain(pack, "ml-supervised", quiet())


def test_citation_keys_expand_to_their_documents(pack):
    text = rules_explain(pack, "F1", quiet())
    assert "FC22: FinCEN and BIS joint alert FIN-2022-ALERT003" in text
    l5 = rules_explain(pack, "L5", quiet())
    assert "EP26: " in l5 and "FC23: " in l5
    e2 = rules_explain(pack, "E2", quiet())
    assert "H20L: BIS 'is-informed' letters" in e2 and "Dated layer: h20-letter-2025" in e2


def test_explain_cli_for_p1_and_an_unknown_code():
    runner = CliRunner()
    result = runner.invoke(app, ["rules", "explain", "P1"])
    assert result.exit_code == 0 and "P1" in result.output
    bad = runner.invoke(app, ["rules", "explain", "ZZ9"])
    assert bad.exit_code == 2
