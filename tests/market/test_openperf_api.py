"""What a request costs: the health check reads nothing, and a token request reads its token, user
and organization once and writes the token's `last_used_at` once a minute at most."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy import event
from sqlmodel import select

from market.extensions import limiter
from market.models import ApiToken
from market.web import drop_idle_rate_limiter
from tests.conftest import login


@contextmanager
def statements(app):
    bind = app.extensions["market.db"].bind
    engine = getattr(bind, "engine", bind)
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _token(client, make) -> tuple[str, int]:
    user = make.enterprise()
    login(client, user)
    created = client.post("/api/v1/session/tokens", json={"name": "script"})
    assert created.status_code == 201
    client.delete("/api/v1/session")
    return created.get_json()["token"], user.id


def test_the_health_check_answers_ok_without_a_login_or_the_database(app, client):
    with statements(app) as seen:
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert seen == []


def test_a_token_request_reads_its_token_user_and_organization_once(app, db, make, frozen):
    script = app.test_client()
    plain, user_id = _token(app.test_client(), make)
    headers = {"Authorization": f"Bearer {plain}"}
    assert script.get("/api/v1/session", headers=headers).status_code == 200  # first use: written
    with statements(app) as seen:
        response = script.get("/api/v1/session", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["user"]["id"] == user_id
    assert response.get_json()["user"]["organization"]["name"]
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    # Nothing written, nothing committed (in tests a commit is the release of a savepoint).
    writes = [s for s in seen if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    commits = [s for s in seen if s.lstrip().upper().startswith("RELEASE")]
    assert len(reads) == 1 and "apitoken" in reads[0].lower() and "organization" in reads[0].lower()
    assert writes == [] and commits == []


def test_last_used_at_moves_once_a_minute_at_most(app, db, make, frozen):
    script = app.test_client()
    plain, _ = _token(app.test_client(), make)
    headers = {"Authorization": f"Bearer {plain}"}

    def last_used():
        db.expire_all()
        return db.exec(select(ApiToken.last_used_at)).one()

    first = frozen.now()
    assert script.get("/api/v1/session", headers=headers).status_code == 200
    assert last_used() == first
    frozen.advance(seconds=59)
    assert script.get("/api/v1/session", headers=headers).status_code == 200
    assert last_used() == first
    frozen.advance(seconds=1)
    assert script.get("/api/v1/session", headers=headers).status_code == 200
    assert last_used() == first + timedelta(minutes=1)


def test_a_revoked_token_stops_at_once_whatever_the_minute(app, db, make, frozen):
    client = app.test_client()
    plain, _ = _token(client, make)
    headers = {"Authorization": f"Bearer {plain}"}
    script = app.test_client()
    assert script.get("/api/v1/session", headers=headers).get_json()["user"] is not None
    token = db.exec(select(ApiToken)).one()
    token.revoked_at = frozen.now()
    db.add(token)
    db.commit()
    assert script.get("/api/v1/session", headers=headers).get_json()["user"] is None


def limiter_hooks(app) -> list:
    hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    return [
        hook
        for functions in hooks
        for hook in functions.get(None, [])
        if limiter in (getattr(hook, "__self__", None), *getattr(hook, "args", ()))
    ]


def test_the_app_runs_no_rate_limiter_hook_while_no_limit_is_declared(app):
    # Logins and reset mails keep their counters in the limiter's storage (tests/market/
    # test_login_limits.py); no route declares a limit, so the per-request hooks are gone.
    assert limiter.storage is not None
    assert limiter_hooks(app) == []


def test_a_declared_limit_keeps_the_rate_limiter_hooks_and_is_enforced():
    own = Limiter(key_func=get_remote_address, storage_uri="memory://")
    limited = Flask("limited")
    own.init_app(limited)
    limited.get("/once")(own.limit("1/minute")(lambda: "ok"))
    assert drop_idle_rate_limiter(limited, own) is False
    client = limited.test_client()
    assert client.get("/once").status_code == 200
    assert client.get("/once").status_code == 429

    idle_limiter = Limiter(key_func=get_remote_address, storage_uri="memory://")
    idle = Flask("idle")
    idle_limiter.init_app(idle)
    assert drop_idle_rate_limiter(idle, idle_limiter) is True
    hooks = [*idle.before_request_funcs.get(None, []), *idle.after_request_funcs.get(None, [])]
    assert not [
        h for h in hooks if idle_limiter in (getattr(h, "__self__", None), *getattr(h, "args", ()))
    ]


def test_the_session_signer_is_made_once_and_again_for_a_new_key(app, monkeypatch):
    from itsdangerous import BadSignature

    sessions = app.session_interface
    signer = sessions.get_signing_serializer(app)
    assert sessions.get_signing_serializer(app) is signer
    cookie = signer.dumps({"lang": "en"})
    assert signer.loads(cookie) == {"lang": "en"}
    monkeypatch.setitem(app.config, "SECRET_KEY", "another secret")
    renewed = sessions.get_signing_serializer(app)
    assert renewed is not signer
    with pytest.raises(BadSignature):
        renewed.loads(cookie)
    # The old key as a fallback still reads the cookies signed with it.
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", ["test-secret"])
    assert sessions.get_signing_serializer(app).loads(cookie) == {"lang": "en"}
