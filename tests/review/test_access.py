"""Who may see and do what: login, sessions, CSRF, roles, the login throttle, headers."""

from __future__ import annotations

import pytest
from review_fixtures import PASSWORD, SECRET, csrf_of, log_in, post_form
from starlette.testclient import TestClient

from cases.webapp import create_app, workspace_secret
from cases.webapp.auth import LoginThrottle

PAGES = ["/", "/queue", "/cases/C-000001", "/dashboard", "/runs", "/runs/run-2026-11-26"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_but_login_redirects_a_visitor_to_the_login(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"
    assert client.get("/login").status_code == 200


def test_login_sets_a_signed_http_only_strict_cookie_and_returns_to_the_page(client):
    token = csrf_of(client.get("/login?next=/cases/C-000003").text)
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "username": "ann",
            "password": PASSWORD,
            "next": "/cases/C-000003",
        },  # fmt: skip
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/cases/C-000003"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "ann" in client.get("/queue").text


def test_login_never_redirects_off_site(client):
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "username": "ann",
            "password": PASSWORD,
            "next": "//evil.example/x",
        },  # fmt: skip
        follow_redirects=False,
    )
    assert response.headers["location"] == "/queue"


def test_wrong_password_is_refused(client):
    response = log_in(client, "ann", "not the password")
    assert response.status_code == 401 and "Wrong user name or password" in response.text
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_a_forged_cookie_is_not_a_session(client, login):
    login(client, "ann")
    value = client.cookies["redflag_session"]
    body, mac = value.rsplit(".", 1)
    client.cookies.set("redflag_session", body + "." + mac[::-1])
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_even_for_a_copied_cookie(client, login):
    login(client, "ann")
    copied = client.cookies["redflag_session"]
    response = post_form(client, "/logout", {}, page="/queue")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    client.cookies.set("redflag_session", copied)
    assert client.get("/queue", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_a_form_without_the_sessions_csrf_token_is_refused(client, store, login, token):
    login(client, "ann")
    data = {"note": "posted from another site"} | ({"csrf_token": token} if token else {})
    response = client.post("/cases/C-000003/note", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "security token" in response.text
    assert [e["event"] for e in store.get_case("C-000003").history] == ["opened"]


def test_the_login_form_itself_needs_the_csrf_token(client):
    response = client.post("/login", data={"username": "ann", "password": PASSWORD})
    assert response.status_code == 403


def test_five_failures_lock_that_user_from_that_address(client):
    for _ in range(5):
        assert log_in(client, "bob", "guess").status_code == 401
    locked = log_in(client, "bob")  # even the right password now waits
    assert locked.status_code == 429 and "Too many failed logins" in locked.text
    assert log_in(client, "carol").status_code == 303  # another user is not locked


def test_the_lock_lifts_after_the_window(store):
    now = [1000.0]
    throttle = LoginThrottle(max_failures=2, window=300, clock=lambda: now[0])
    with TestClient(create_app(store, SECRET, throttle=throttle)) as client:
        for _ in range(2):
            log_in(client, "bob", "guess")
        now[0] += 299
        assert log_in(client, "bob").status_code == 429
        now[0] += 2
        assert log_in(client, "bob").status_code == 303


def test_security_headers_on_every_page_and_no_store_on_case_pages(client, login):
    login(client, "ann")
    for path in ("/login", "/queue", "/cases/C-000001", "/dashboard"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"
    css = client.get("/static/app.css")
    assert css.status_code == 200 and "no-store" not in css.headers["cache-control"]


def test_pages_carry_no_inline_script_or_style(client, login):
    login(client, "bob")
    for path in ("/queue", "/cases/C-000001", "/dashboard", "/runs/run-2026-11-26"):
        html = client.get(path).text
        assert "<script" not in html and "<style" not in html and " style=" not in html


def test_an_internal_failure_shows_a_plain_page_without_a_trace(store):
    with TestClient(create_app(store, SECRET), raise_server_exceptions=False) as client:
        log_in(client, "ann")
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE cases RENAME TO cases_gone")
        response = client.get("/queue")
    assert response.status_code == 500
    assert "Traceback" not in response.text and "cases_gone" not in response.text
    assert "sqlite" not in response.text.lower()


def test_an_unknown_case_is_a_404_page(client, login):
    login(client, "ann")
    response = client.get("/cases/C-999999")
    assert response.status_code == 404 and "no case C-999999" in response.text


def test_the_workspace_secret_is_private_and_stable(tmp_path):
    first = workspace_secret(tmp_path)
    assert (tmp_path / "review_secret").stat().st_mode & 0o777 == 0o600
    assert workspace_secret(tmp_path) == first and len(first) == 32
