"""Errors that know their kind: bad input and bad config exit 2 with one line, a stale
cache and a run that could not be carried out exit 1 with one line, and anything else is
an internal failure (exit 1), never reported as bad input."""

from __future__ import annotations

import pickle

import pytest
import typer
from typer.testing import CliRunner

from cases.accounts import AccountError
from cases.attachments import AttachmentRefused
from cases.passwords import PasswordRejected
from cases.store import CaseNotFound, ConcurrentChange
from cases.workflow import AccessDenied, FourEyesError, WorkflowError
from detectors.matching.matcher import Matcher
from detectors.ml.registry import RegistryError
from detectors.ml.supervised import NotEnoughLabels
from flows.cli import UsageFailure, app, run_guarded
from flows.commands.rules import PackError as RulesPackError
from flows.errors import (
    ConfigError,
    InputError,
    ListFormatError,
    PackError,
    RedflagError,
    RunFailure,
    StaleIndexError,
)
from flows.ingest.normalize import MissingColumnsError
from flows.ingest.sources import InputError as SourcesInputError
from flows.run_guard import OrchestrationFailure
from flows.settings import load_pipeline_settings
from watchlists import SnapshotError, WatchlistFormatError, WatchlistSanityError
from watchlists.download import DownloadError


def exit_of(error: BaseException, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    def action() -> None:
        raise error

    with pytest.raises(typer.Exit) as stopped:
        run_guarded(action)
    return stopped.value.exit_code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InputError("orders.csv: not a CSV file"), 2),
        (ConfigError("cases.open_threshold: expected a number"), 2),
        (PackError("policy pack x: rule E1: weight 2 outside 0..1"), 2),
        (ListFormatError("list.csv: expected CSL CSV"), 2),
        (UsageFailure("--runner dask needs a scheduler"), 2),
        (StaleIndexError("wl-0001.matcher was built by another version; rebuild it"), 1),
        (OrchestrationFailure("the temporary Prefect server did not start"), 1),
    ],
)
def test_a_known_failure_is_one_line_with_its_kinds_exit_code(error, code, capsys):
    exit_code, err = exit_of(error, capsys)
    assert exit_code == code
    assert err == f"redflag: error: {error}\n"
    assert "internal failure" not in err


@pytest.mark.parametrize(
    "error",
    [ValueError("could not convert string to float: 'x'"), KeyError("risk"), RuntimeError("boom")],
)
def test_a_bug_is_an_internal_failure_never_bad_input(error, capsys, monkeypatch):
    monkeypatch.delenv("REDFLAG_DEBUG", raising=False)
    exit_code, err = exit_of(error, capsys)
    assert exit_code == 1
    assert err.startswith(f"redflag: error: internal failure: {type(error).__name__}: ")
    assert err.count("\n") == 1


def test_a_file_that_is_not_there_is_bad_input(tmp_path, capsys):
    error = FileNotFoundError(2, "No such file or directory", str(tmp_path / "orders.csv"))
    exit_code, err = exit_of(error, capsys)
    assert exit_code == 2
    assert "orders.csv" in err and "internal failure" not in err


def test_a_multi_line_message_shows_its_first_line_only(capsys):
    exit_code, err = exit_of(ConfigError("settings.yaml: bad value\n  details below"), capsys)
    assert (exit_code, err) == (2, "redflag: error: settings.yaml: bad value\n")


@pytest.mark.parametrize(
    ("kind", "base"),
    [
        (SourcesInputError, InputError),
        (MissingColumnsError, InputError),
        (SnapshotError, InputError),
        (CaseNotFound, InputError),
        (WorkflowError, InputError),
        (AccessDenied, InputError),
        (FourEyesError, InputError),
        (AccountError, InputError),
        (PasswordRejected, InputError),
        (AttachmentRefused, InputError),
        (RegistryError, InputError),
        (NotEnoughLabels, InputError),
        (WatchlistFormatError, ListFormatError),
        (WatchlistSanityError, ListFormatError),
        (RulesPackError, PackError),
        (ConcurrentChange, RedflagError),
        (UsageFailure, RedflagError),
        (OrchestrationFailure, RunFailure),
        (DownloadError, RunFailure),
    ],
)
def test_every_project_error_has_a_kind(kind, base):
    assert issubclass(kind, base)
    assert issubclass(kind, RedflagError)


def test_the_kinds_raised_as_value_errors_before_still_are():
    """Code that catches ValueError (and the lookups that catch LookupError) keeps working."""
    for kind in (InputError, ConfigError, PackError, ListFormatError, StaleIndexError):
        assert issubclass(kind, ValueError)
    assert issubclass(CaseNotFound, LookupError)
    assert issubclass(SnapshotError, LookupError)
    assert not issubclass(RunFailure, ValueError)


def test_a_bad_settings_file_is_a_config_error_naming_file_and_key(tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("cases:\n  open_treshold: 50\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"settings\.yaml: cases\.open_treshold: unknown"):
        load_pipeline_settings(settings)


def test_a_bad_settings_file_exits_2_on_the_command_line(tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("cases:\n  open_treshold: 50\n", encoding="utf-8")
    orders = tmp_path / "orders.csv"
    orders.write_text("transaction_id\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["--workspace", str(tmp_path / "ws"), "run", "-t", str(orders), "--config", str(settings)],
    )
    assert result.exit_code == 2, result.output
    assert "cases.open_treshold: unknown setting" in result.output
    assert "internal failure" not in result.output


def test_a_matcher_cache_from_another_version_is_a_stale_index(tmp_path):
    cache = tmp_path / "wl-0001.matcher"
    cache.write_bytes(pickle.dumps(("an-older-format", [], [], None, None)))
    with pytest.raises(StaleIndexError, match="rebuild it") as raised:
        Matcher.load(cache, None)  # refused before the settings are used
    assert raised.value.exit_code == 1
