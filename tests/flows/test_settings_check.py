"""A settings file is checked against configs/pipeline.yaml: unknown keys and values of
the wrong kind are refused in one line naming the file and the key."""

from __future__ import annotations

import re

import pytest

from flows.settings import load_pipeline_settings


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'cases:\n  open_threshold: "fifty"\n',
            "cases.open_threshold: expected a number (got 'fifty')",
        ),
        ("cases:\n  open_thresold: 50\n", "cases.open_thresold: unknown setting"),
        ("detectors:\n  rules: maybe\n", "detectors.rules: expected true or false"),
        ("polcy_pack: default\n", "polcy_pack: unknown setting"),
        ("history:\n  lookback_days: true\n", "history.lookback_days: expected a number"),
        ("cases:\n  priority: high\n", "cases.priority: expected a mapping of settings"),
        ("ingest:\n  fx_to_usd: 1.0\n", "ingest.fx_to_usd: expected a mapping"),
    ],
)
def test_a_wrong_or_unknown_setting_names_the_file_and_the_key(tmp_path, text, message):
    config = tmp_path / "site.yaml"
    config.write_text(text)
    with pytest.raises(ValueError, match="^" + re.escape(f"{config}: {message}")) as raised:
        load_pipeline_settings(config)
    assert "\n" not in str(raised.value)


def test_the_users_own_spellings_and_known_settings_pass(tmp_path):
    config = tmp_path / "site.yaml"
    config.write_text(
        "cases:\n  open_threshold: 55\n  priority: {high: 75}\n"
        "ingest:\n  fx_to_usd: {NOK: 0.09}\n  country_aliases: {ROC: TW}\n"
        "ml:\n  anomaly: {refit_every_days: 3}\n"
        "prefect:\n  server_startup_seconds: 300\n"
    )
    settings = load_pipeline_settings(config)
    assert settings["cases"]["open_threshold"] == 55
    assert settings["cases"]["priority"] == {"high": 75, "medium": 50}
    assert settings["ingest"]["fx_to_usd"]["NOK"] == 0.09
    assert settings["prefect"]["server_startup_seconds"] == 300
