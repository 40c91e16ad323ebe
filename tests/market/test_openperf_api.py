"""What a request costs: the health check reads nothing, and a token request reads its token, user
and organization once and writes the token's `last_used_at` once a minute at most."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event
from sqlmodel import select

from market.models import ApiToken
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
