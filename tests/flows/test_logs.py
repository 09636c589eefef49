"""Module loggers in one format: a line names its level and the module it came from."""

from __future__ import annotations

import io
import logging

import pytest

from flows.logs import PACKAGES, configure_logging


@pytest.fixture
def configured():
    """configure_logging into a buffer, and the loggers as they were afterwards."""
    saved = {n: (logging.getLogger(n).level, logging.getLogger(n).propagate) for n in PACKAGES}
    buffer = io.StringIO()
    handler = configure_logging(buffer, level="INFO")
    yield buffer
    for name, (level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def test_a_module_logger_writes_one_line_naming_its_module(configured):
    from cases import users

    assert users.log.name == "cases.users"
    users.log.warning("case store: accounts disabled: %s", "two names clash")
    line = configured.getvalue()
    assert line.endswith(" WARNING cases.users: case store: accounts disabled: two names clash\n")
    assert line.count("\n") == 1


def test_the_review_apps_lines_name_their_modules(configured):
    from cases.webapp import app, routes, work

    assert {app.log.name, routes.log.name, work.log.name} == {
        "cases.webapp.app",
        "cases.webapp.routes",
        "cases.webapp.work",
    }
    routes.log.info("review app: %s logged in from %s", "ana", "127.0.0.1")
    assert " INFO cases.webapp.routes: review app: ana logged in from 127.0.0.1\n" in (
        configured.getvalue()
    )


def test_configuring_twice_does_not_print_twice(configured):
    configure_logging(io.StringIO(), level="INFO")
    logging.getLogger("detectors.ingest").warning("once")
    assert configured.getvalue().count("once") == 1
