"""The policy as one versioned registry (docs/rules.md §1): each package's section built once from POLICY
when the app is created and checked there, every version recorded with its hash, and the whole of
it public on the policy page and the API in both languages."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from fractions import Fraction

import pytest
import rfc8785
from sqlmodel import select

from bidding import keys
from bidding.policy import BiddingPolicy
from market import jobs, policy
from market.accounts import Policy
from market.attachments import AttachmentPolicy
from market.models import AuditEvent, PolicyVersion
from market.policy import PolicyError, Registry, Section
from market.tasks import TaskPolicy
from market.validation import N_
from ratings.policy import RatingsPolicy
from tests.conftest import app_config

SECTIONS = [
    "accounts",
    "tasks",
    "attachments",
    "bidding",
    "ratings",
    "credit",
    "exits",
    "dishonesty",
    "honour",
    "repair",
]


@pytest.fixture
def new_app(tmp_path):
    """`new_app(POLICY)`: a fresh app on a database that does not exist (and must not be made)."""
    from wsgi import create_app

    def create(settings=None):
        extra = {} if settings is None else {"POLICY": settings}
        previous = keys.use(None)  # create_app installs its own keys: put the tests' back
        try:
            return create_app(
                app_config(
                    f"sqlite:///{tmp_path / 'absent' / 'market.db'}",
                    DRAW_SEED_KEY="test draw seed key",
                    SIGNING_KEY_PATH=str(tmp_path / "signing_key.pem"),
                    UPLOAD_DIR=str(tmp_path / "uploads"),
                    **extra,
                )
            )
        finally:
            keys.use(previous)

    return create


# --- building the sections ------------------------------------------------------------------------


def test_without_configuration_every_section_holds_the_design_numbers(app):
    registry = policy.registry_of(app)
    assert [s.name for s in registry.sections] == SECTIONS
    assert registry.section("accounts") == Policy()
    assert registry.section("tasks") == TaskPolicy()
    assert registry.section("attachments") == AttachmentPolicy()
    assert registry.section("bidding") == BiddingPolicy()
    assert registry.section("ratings") == RatingsPolicy()


def test_per_section_settings_and_the_original_flat_keys_configure_the_policy(new_app, tmp_path):
    app = new_app(
        {
            "password_min_length": 14,
            "attachment_max_files": 3,
            "tasks": {"min_bidding_wd": {"private": 3}, "default_bidding_wd": 6},
            "bidding": {"low_share_of_cap": "2/5", "low_share_of_mean": "0.6", "explanation_wd": 2},
        }
    )
    registry = policy.registry_of(app)
    assert registry.section("accounts") == Policy(password_min_length=14)
    assert registry.section("attachments").attachment_max_files == 3
    tasks = registry.section("tasks")
    assert tasks.min_bidding_wd == {"budget": 5, "state_owned": 5, "private": 3}
    assert tasks.default_bidding_wd == 6
    assert registry.section("bidding") == BiddingPolicy(
        low_share_of_cap=Fraction(2, 5), low_share_of_mean=Fraction(3, 5), explanation_wd=2
    )
    document = json.loads(registry.document)
    assert list(document) == sorted(SECTIONS)  # canonical: keys sorted
    assert document["bidding"]["low_share_of_cap"] == "2/5"
    assert document["tasks"]["min_bidding_wd"] == {"budget": 5, "private": 3, "state_owned": 5}
    # Creating the app touched no database: not even the SQLite file's folder was made.
    assert not (tmp_path / "absent").exists()


def test_the_policy_setting_may_come_from_the_environment_as_json(new_app, monkeypatch):
    monkeypatch.setenv("POLICY", '{"bidding": {"publicity_wd": 5}}')
    assert policy.registry_of(new_app()).section("bidding").publicity_wd == 5
    monkeypatch.setenv("POLICY", "{bidding: 5}")
    with pytest.raises(ValueError, match="^POLICY: not valid JSON"):
        new_app()


@pytest.mark.parametrize(
    "settings, named",
    [
        ({"bidding": {"explanation_wd": "two"}}, "POLICY.bidding.explanation_wd: 'two'"),
        ({"bidding": {"explanation_wd": True}}, "POLICY.bidding.explanation_wd: True"),
        ({"bidding": {"publicity_wd": -1}}, "POLICY.bidding.publicity_wd: -1 is negative"),
        ({"bidding": {"low_share_of_cap": 0.45}}, "POLICY.bidding.low_share_of_cap: 0.45"),
        ({"bidding": {"low_share_of_cap": "half"}}, "POLICY.bidding.low_share_of_cap: 'half'"),
        ({"bidding": {"explanation_days": 2}}, "POLICY.bidding.explanation_days: unknown"),
        ({"bidding": 2}, "POLICY.bidding: 2 is not a mapping"),
        ({"biding": {"explanation_wd": 2}}, "POLICY.biding: unknown key"),
        ({"password_min_lenght": 10}, "POLICY.password_min_lenght: unknown key"),
        ({"explanation_wd": 2}, "POLICY.explanation_wd: unknown key"),  # no flat keys for bidding
        ({"password_max_length": "64"}, "POLICY.password_max_length: '64'"),
        ({"tasks": {"min_bidding_wd": {"public": 3}}}, "POLICY.tasks.min_bidding_wd.public"),
        ({"tasks": {"min_bidding_wd": {"private": "3"}}}, "POLICY.tasks.min_bidding_wd.private"),
        (
            {"password_min_length": 10, "accounts": {"password_min_length": 11}},
            "POLICY.accounts.password_min_length: also set as POLICY.password_min_length",
        ),
        ([1, 2], "POLICY: [1, 2] is not a mapping"),
    ],
)
def test_a_bad_setting_stops_the_app_from_being_created_naming_the_key(new_app, settings, named):
    with pytest.raises(PolicyError) as failure:
        new_app(settings)
    assert str(failure.value).startswith(named)


@dataclass(frozen=True)
class CreditPolicy:
    start_milli: int = 80_000
    decay: Fraction = Fraction(9, 10)


CREDIT = Section(
    "credit",
    CreditPolicy(),
    N_("Credit"),
    {"start_milli": N_("Starting score"), "decay": N_("Yearly decay")},
)


def test_a_package_adds_its_section_with_one_call_before_the_registry_is_sealed():
    registry = Registry({"credit": {"decay": "4/5"}, "password_min_length": 16})
    registry.register(policy.ACCOUNTS)
    assert registry.register(CREDIT) == CreditPolicy(decay=Fraction(4, 5))
    registry.seal()
    assert json.loads(registry.document) == {
        "accounts": asdict(Policy(password_min_length=16)),
        "credit": {"decay": "4/5", "start_milli": 80_000},
    }
    with pytest.raises(RuntimeError, match="after sealing"):
        registry.register(policy.TASKS)


def test_a_section_needs_a_frozen_dataclass_and_one_label_per_field():
    with pytest.raises(TypeError, match="one label per field"):
        Section("credit", CreditPolicy(), N_("Credit"), {"start_milli": N_("Starting score")})
    with pytest.raises(TypeError, match="frozen dataclass"):
        Section("credit", {"start_milli": 1}, N_("Credit"), {"start_milli": N_("Starting score")})


# --- versions -------------------------------------------------------------------------------------


def configured(app, settings: dict) -> Registry:
    registry = Registry(settings)
    for section in policy.registry_of(app).sections:
        registry.register(section)
    registry.seal()
    return registry


def test_recording_the_same_policy_twice_keeps_one_version(app, db):
    first, created = policy.record(db, policy.registry_of(app))
    assert (first.version, created) == (1, True)
    db.commit()
    again, created = policy.record(db, configured(app, {}))  # built anew, same content
    assert (again.version, created) == (1, False)
    db.commit()
    assert len(policy.history(db)) == 1
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "policy.recorded")).all()
    assert [(e.object_id, e.data["sha256"]) for e in events] == [("1", first.sha256)]


def test_a_changed_policy_is_version_2_and_version_1_stays_on_record(app, db, frozen):
    original = policy.registry_of(app)
    one, _ = policy.record(db, original)
    db.commit()
    frozen.advance(days=1)
    changed = configured(app, {"bidding": {"explanation_wd": 2}})
    two, created = policy.record(db, changed)
    db.commit()
    assert (two.version, created) == (2, True)
    assert two.sha256 == changed.sha256 != one.sha256
    assert two.recorded_at > one.recorded_at
    assert [v.version for v in policy.history(db)] == [2, 1]
    kept = policy.get_version(db, 1)
    assert (kept.document, kept.sha256) == (original.document, original.sha256)
    # Going back to the first configuration is a new version: the record says from when.
    three, created = policy.record(db, original)
    db.commit()
    assert (three.version, three.sha256, created) == (3, one.sha256, True)
    event = db.exec(
        select(AuditEvent).where(AuditEvent.action == "policy.recorded").order_by(AuditEvent.seq)
    ).all()[1]
    assert event.data == {"sha256": two.sha256, "previous_sha256": one.sha256}


def test_a_version_is_canonical_json_whose_sha256_anyone_can_recompute(app, db):
    row, _ = policy.record(db, policy.registry_of(app))
    assert hashlib.sha256(row.document.encode("utf-8")).hexdigest() == row.sha256
    assert rfc8785.dumps(json.loads(row.document)).decode("utf-8") == row.document


def test_the_record_command_is_idempotent(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["policy", "record"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("policy version 1 recorded (sha256 ")
    second = runner.invoke(args=["policy", "record"])
    assert second.output.startswith("policy version 1 already recorded")
    assert len(db.exec(select(PolicyVersion)).all()) == 1


def test_the_scheduler_records_the_policy_before_its_sweeps(app, db):
    row = jobs.record_policy(app)
    assert row.sha256 == policy.registry_of(app).sha256
    assert [v.version for v in policy.history(db)] == [1]


# --- the public policy ----------------------------------------------------------------------------


def test_the_page_shows_every_section_with_its_version_in_english(client, app, db):
    html = client.get("/policy?lang=en").get_data(as_text=True)
    registry = policy.registry_of(app)
    assert "Version 1, recorded 2026-11-25 10:00 (Asia/Shanghai)." in html
    assert registry.sha256 in html
    for section in registry.sections:
        assert f'<h2 id="policy-{section.name}">{section.title}</h2>' in html
        for key, label in section.labels.items():
            assert label in html and f"<code>{section.name}.{key}</code>" in html
    assert "Abnormally low below this share of the price cap</td><td>9/20 (45%)</td>" in html
    assert "None: this is the first recorded version." in html
    assert policy.history(db)[0].sha256 == registry.sha256  # recorded by the first reading


def test_the_page_is_in_chinese_and_lists_the_earlier_versions(client, app, db, use_policy):
    policy.record(db, policy.registry_of(app))
    db.commit()
    first = policy.latest(db)
    use_policy({"bidding": {"explanation_wd": 2}})
    html = client.get("/policy?lang=zh").get_data(as_text=True)
    for title in ("账户", "选取公告", "附件", "报价与选取"):
        assert f">{title}</h2>" in html
    assert "报价明显偏低的书面说明期限（工作日）</td><td>2</td>" in html
    assert "第 2 版" in html
    assert "历史版本" in html and first.sha256 in html
    assert 'href="/api/v1/policy/versions/1"' in html


def test_the_api_gives_every_section_setting_label_and_value(client, app, db):
    body = client.get("/api/v1/policy?lang=en").get_json()
    registry = policy.registry_of(app)
    assert (body["version"], body["sha256"], body["document"]) == (
        1,
        registry.sha256,
        registry.document,
    )
    assert body["recorded_at"] == "2026-11-25T02:00:00+00:00"
    assert [s["name"] for s in body["sections"]] == SECTIONS
    values = json.loads(registry.document)
    for section, shown in zip(registry.sections, body["sections"], strict=True):
        assert [s["key"] for s in shown["settings"]] == [
            f.name for f in fields(registry.section(section.name))
        ]
        for setting in shown["settings"]:
            assert setting["label"] == section.labels[setting["key"]]
            assert setting["value"] == values[section.name][setting["key"]]
    bidding = body["sections"][3]
    assert bidding["title"] == "Bids and selection"
    assert body["earlier"] == []
    chinese = client.get("/api/v1/policy?lang=zh").get_json()
    assert chinese["sections"][1]["title"] == "选取公告"
    assert chinese["sections"][1]["value_labels"]["private"] == "社会资金"


def test_the_api_lists_every_version_and_serves_each(client, app, db, use_policy):
    client.get("/api/v1/policy")
    use_policy({"tasks": {"default_bidding_wd": 7}})
    body = client.get("/api/v1/policy").get_json()
    assert body["version"] == 2
    assert [v["version"] for v in body["earlier"]] == [1]
    listing = client.get("/api/v1/policy/versions").get_json()["items"]
    assert [v["version"] for v in listing] == [2, 1]
    one = client.get("/api/v1/policy/versions/1").get_json()
    assert one == listing[1]
    assert json.loads(one["document"])["tasks"]["default_bidding_wd"] == 5
    assert hashlib.sha256(one["document"].encode()).hexdigest() == one["sha256"]
    missing = client.get("/api/v1/policy/versions/9")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"


def test_the_openapi_document_describes_the_policy_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    ok = spec["paths"]["/api/v1/policy"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PolicyInForce"
    }
    assert "/api/v1/policy/versions" in spec["paths"]
    assert "/api/v1/policy/versions/{number}" in spec["paths"]
    assert {"sections", "earlier", "sha256", "document"} <= set(
        spec["components"]["schemas"]["PolicyInForce"]["properties"]
    )
