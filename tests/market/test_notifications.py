"""Notifications (`market.notifications`): one row per recipient, the page and the API (only
one's own, newest first, marked read one by one or all at once), the unread badge, and the mail
sweep (once per notification, retried after a refusal, never to a user who turned it off)."""

from __future__ import annotations

import socket
from contextlib import contextmanager

import pytest
from sqlmodel import select

from market import mail, notifications
from market.models import Notification, User
from market.notifications import mailing
from market.notifications.services import register_kind
from market.validation import NotFound
from tests.conftest import login
from tests.mail_support import smtp_server

HELLO = "test.hello"
register_kind(
    HELLO,
    subject="Hello about %(task)s",
    body="Something happened to %(task)s at %(when_at)s.",
    link=lambda data: ("public.index", {}),
)


def member(db, of: User, name: str, *, disabled: bool = False) -> User:
    """Another user of `of`'s organization."""
    user = User(
        organization_id=of.organization_id,
        email=f"{name}@test.zjm",
        name=name,
        password_hash="x",
        created_at=of.created_at,
        disabled_at=of.created_at if disabled else None,
    )
    db.add(user)
    db.commit()
    return user


def hello(db, user: User, n: int = 1) -> list[Notification]:
    rows = []
    for i in range(n):
        rows += notifications.notify(
            db, HELLO, users=[user], data={"task": f"T-{i}", "when_at": "2026-03-02T04:00:00+00:00"}
        )
    db.commit()
    return rows


# --- making them --------------------------------------------------------------------------------


def test_an_organization_is_notified_one_row_per_enabled_member(db, make):
    first = make.enterprise()
    second = member(db, first, "second")
    member(db, first, "gone", disabled=True)
    rows = notifications.notify(db, HELLO, org_id=first.organization_id, data={"task": "T-1"})
    assert sorted(r.user_id for r in rows) == sorted([first.id, second.id])
    assert {r.org_id for r in rows} == {first.organization_id}
    assert all(r.read_at is None and r.mailed_at is None and r.mail_attempts == 0 for r in rows)


def test_numbers_count_each_users_own_notifications_and_reveal_no_one_elses(db, make):
    """The table's ids count everyone's notifications; what a user is shown counts only its own,
    so the gaps tell nothing of who else was notified (docs/rules.md §5)."""
    one, two = make.enterprise(), make.staff("operator")
    for _ in range(2):
        notifications.notify(db, HELLO, users=[two], data={})
        notifications.notify(db, HELLO, users=[one, two], data={})
    numbers = sorted((r.user_id, r.number) for r in db.exec(select(Notification)))
    assert numbers == sorted([(one.id, 1), (one.id, 2), *((two.id, n) for n in (1, 2, 3, 4))])


def test_an_unknown_kind_is_refused_before_anything_is_written(db, make):
    user = make.enterprise()
    with pytest.raises(LookupError, match="unknown notification kind 'nope'"):
        notifications.notify(db, "nope", users=[user])
    assert db.exec(select(Notification)).all() == []


def test_a_kind_cannot_be_registered_again_with_other_texts():
    with pytest.raises(ValueError, match="already registered"):
        register_kind(HELLO, subject="Other", body="Other")
    with pytest.raises(ValueError, match="1 to 40 characters"):
        register_kind("x" * 41, subject="s", body="b")


def test_the_message_is_made_when_shown_with_times_in_shanghai(db, make):
    (row,) = hello(db, make.enterprise())
    shown = notifications.message(row, lambda msgid: msgid)
    assert shown.subject == "Hello about T-0"
    assert shown.body == "Something happened to T-0 at 2026-03-02 12:00."
    assert shown.link == ("public.index", {})


# --- page, badge and API ------------------------------------------------------------------------


def test_the_page_lists_newest_first_with_unread_highlighted_and_the_badge_counts(
    app, client, db, make
):
    user = make.enterprise()
    first, second = hello(db, user, 2)
    notifications.mark_read(db, user, first.number)
    db.commit()
    login(client, user)
    page = client.get("/notifications?lang=en").get_data(as_text=True)
    assert page.index("Hello about T-1") < page.index("Hello about T-0")
    assert f'<tr class="unread" id="notification-{second.number}">' in page
    assert f'<tr class="read" id="notification-{first.number}">' in page
    assert '<span class="badge" aria-label="1 unread">1</span>' in page
    assert f'action="/notifications/{second.number}/read?page=1"' in page


def test_mark_read_and_mark_all_read_by_the_page(app, client, db, make):
    user = make.enterprise()
    rows = hello(db, user, 3)
    login(client, user)
    csrf = client.get("/api/v1/session").get_json()["csrf_token"]
    answer = client.post(f"/notifications/{rows[0].number}/read", data={"csrf_token": csrf})
    assert (answer.status_code, answer.headers["Location"]) == (302, "/notifications")
    assert notifications.unread_count(db, user) == 2
    answer = client.post("/notifications/read-all?lang=en", data={"csrf_token": csrf})
    assert answer.status_code == 302
    assert notifications.unread_count(db, user) == 0
    page = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "2 notifications marked read." in page
    assert 'class="badge"' not in page


def test_someone_elses_notification_is_not_found_on_the_page_and_in_the_api(app, client, db, make):
    owner, other = make.enterprise(), make.staff("operator")
    (row,) = hello(db, owner)
    other.totp_secret = None
    db.add(other)
    db.commit()
    with pytest.raises(NotFound):
        notifications.mark_read(db, other, row.number)
    token = make_token(db, other)
    answer = client.post(f"/api/v1/notifications/{row.number}/read", headers=token)
    assert answer.status_code == 404
    assert client.get("/api/v1/notifications", headers=token).get_json()["total"] == 0
    db.refresh(row)
    assert row.read_at is None


def make_token(db, user: User) -> dict:
    from market import accounts

    _row, plain = accounts.create_token(db, user, "notifications")
    db.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_the_api_pages_by_cursor_filters_unread_and_marks(app, client, db, make):
    user = make.enterprise()
    rows = hello(db, user, 3)
    notifications.mark_read(db, user, rows[0].number)
    db.commit()
    token = make_token(db, user)
    first = client.get("/api/v1/notifications?limit=2&lang=en", headers=token).get_json()
    assert [i["id"] for i in first["items"]] == [rows[2].number, rows[1].number]
    assert (first["total"], first["unread"], first["next_cursor"]) == (3, 2, str(rows[1].number))
    assert first["items"][0]["subject"] == "Hello about T-2"
    assert first["items"][0]["url"] == "/"
    rest = client.get(
        f"/api/v1/notifications?limit=2&cursor={first['next_cursor']}", headers=token
    ).get_json()
    assert ([i["id"] for i in rest["items"]], rest["next_cursor"]) == ([rows[0].number], None)
    unread = client.get("/api/v1/notifications?unread=1", headers=token).get_json()
    assert [i["id"] for i in unread["items"]] == [rows[2].number, rows[1].number]
    bad = client.get("/api/v1/notifications?unread=yes&lang=en", headers=token)
    assert bad.status_code == 422
    assert bad.get_json()["errors"] == {"unread": ["Use 1 for unread notifications only, or 0."]}
    one = client.post(f"/api/v1/notifications/{rows[1].number}/read", headers=token)
    assert one.status_code == 200 and one.get_json()["read_at"] is not None
    assert client.post("/api/v1/notifications/read-all", headers=token).get_json() == {"marked": 1}
    assert client.get("/api/v1/notifications?unread=1", headers=token).get_json()["total"] == 0


def test_the_api_needs_a_user(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/read-all").status_code == 401


def test_the_mail_preference_by_the_account_page_and_the_api(app, client, db, make):
    user = make.enterprise()
    login(client, user)
    account = client.get("/account/?lang=en").get_data(as_text=True)
    assert 'name="mail_notifications" checked' in account
    csrf = client.get("/api/v1/session").get_json()["csrf_token"]
    answer = client.post("/account/notification-mail", data={"csrf_token": csrf})
    assert (answer.status_code, answer.headers["Location"]) == (302, "/account/")
    db.refresh(user)
    assert user.mail_notifications is False
    assert "Your notifications will no longer be e-mailed to you." in client.get(
        "/account/?lang=en"
    ).get_data(as_text=True)
    token = make_token(db, user)
    assert client.get("/api/v1/notifications/settings", headers=token).get_json() == {
        "mail_notifications": False
    }
    answer = client.put(
        "/api/v1/notifications/settings", json={"mail_notifications": True}, headers=token
    )
    assert answer.get_json() == {"mail_notifications": True}
    bad = client.put(
        "/api/v1/notifications/settings", json={"mail_notifications": 1}, headers=token
    )
    assert bad.status_code == 422
    db.refresh(user)
    assert user.mail_notifications is True


# --- the mail sweep -----------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def mailer(app, monkeypatch, value):
    monkeypatch.setitem(app.extensions, mail.EXTENSION, value)
    with app.app_context():
        yield


def test_the_sweep_mails_each_notification_once_in_chinese(app, db, make, monkeypatch):
    user = make.enterprise()
    hello(db, user, 2)
    with smtp_server() as server:
        with mailer(app, monkeypatch, mail.SmtpMailer(server.host, server.port)):
            assert notifications.mail_pending(db) == 2
            db.commit()
            assert notifications.mail_pending(db) == 0  # idempotent
        assert [m["To"] for m in server.messages] == [user.email, user.email]
        assert [m["Subject"] for m in server.messages] == ["Hello about T-0", "Hello about T-1"]
        assert "您收到此邮件是因为您在本平台有账户" in server.messages[0].get_content()
    rows = db.exec(select(Notification)).all()
    assert all(r.mailed_at is not None and r.mail_attempts == 1 for r in rows)


def test_a_refused_mail_keeps_its_error_and_is_retried_at_most_five_times(
    app, db, make, monkeypatch
):
    user = make.enterprise()
    row, waiting = hello(db, user, 2)
    down = mail.SmtpMailer("127.0.0.1", closed_port(), timeout=2)
    with mailer(app, monkeypatch, down):
        assert notifications.mail_pending(db) == 0
    db.commit()
    db.refresh(row)
    db.refresh(waiting)
    assert row.mailed_at is None and row.mail_attempts == 1
    assert row.mail_error.startswith("ConnectionRefusedError")
    # The server is down: the sweep stops at the first row instead of timing out on each.
    assert (waiting.mail_attempts, waiting.mail_error) == (0, None)
    with smtp_server() as server:
        with mailer(app, monkeypatch, mail.SmtpMailer(server.host, server.port)):
            assert notifications.mail_pending(db) == 2
        assert len(server.messages) == 2
    db.refresh(row)
    assert row.mailed_at is not None and row.mail_error is None and row.mail_attempts == 2
    (stuck,) = hello(db, user)
    with mailer(app, monkeypatch, down):
        for _ in range(mailing.MAX_ATTEMPTS + 2):
            notifications.mail_pending(db)
    db.refresh(stuck)
    assert (stuck.mail_attempts, stuck.mailed_at) == (mailing.MAX_ATTEMPTS, None)


def test_no_mail_for_a_user_who_turned_it_off(app, db, make, monkeypatch, tmp_path):
    user = make.enterprise()
    notifications.services.set_mail_preference(db, user, False)
    (row,) = hello(db, user)
    with mailer(app, monkeypatch, mail.FileMailer(tmp_path)):
        assert notifications.mail_pending(db) == 0
    assert list(tmp_path.iterdir()) == []
    db.refresh(row)
    assert (row.mailed_at, row.mail_attempts) == (None, 0)


def test_the_file_mailer_writes_one_message_per_notification(app, db, make, monkeypatch, tmp_path):
    hello(db, make.enterprise(), 2)
    with mailer(app, monkeypatch, mail.FileMailer(tmp_path)):
        assert notifications.mail_pending(db) == 2
    assert len(list(tmp_path.glob("*.eml"))) == 2


def test_the_page_is_paged_and_marking_read_comes_back_to_the_same_page(app, client, db, make):
    user = make.enterprise()
    per_page = app.config["PAGE_SIZE"]
    rows = hello(db, user, per_page + 1)
    login(client, user)
    first = client.get("/notifications?lang=en").get_data(as_text=True)
    assert f"Hello about T-{per_page}" in first and "Hello about T-0<" not in first
    assert '<a rel="next" href="/notifications?page=2">' in first
    second = client.get("/notifications?page=2&lang=en").get_data(as_text=True)
    assert "Hello about T-0<" in second
    answer = client.post(f"/notifications/{rows[0].number}/read?page=2&unread=1")
    assert answer.headers["Location"] == "/notifications?page=2&unread=1"
    db.refresh(rows[0])
    assert rows[0].read_at is not None
