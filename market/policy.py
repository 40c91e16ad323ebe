"""The platform's policy as one versioned registry (docs/rules.md §1: every number is a default a
deployment may change).

Sections. Each package registers the section of the policy it owns — a name, a frozen dataclass
whose field defaults are the design's numbers, and translatable labels — with one call,
`register(app, Section(...))`, while the app is created: market's in `create_core_app`, bidding's
in `bidding.init_app`, and a later package's in its own `init_app`. Registration builds the
section at once from the POLICY setting and checks every value it takes; the composition root then
calls `seal(app)`, which refuses any key no section claimed. A typo or a wrong type therefore stops
the app from being created, with a message naming the key, instead of being silently ignored.
Nothing here touches the database while the app is created.

The setting. ``POLICY = {"bidding": {"explanation_wd": 2}, "tasks": {...}}``: one dict per
section. Market's own sections also take their fields at the top level (``password_min_length``,
``attachment_max_files``, …), the flat keys the setting has always had. A share is an exact
fraction — ``"1/2"``, ``"0.45"`` or an integer — never a float, which would not be exact; a
mapping (the minimum bidding period per funding) overrides the keys it names and keeps the others.

Passed explicitly. Handlers and sweeps take a section from the registry on the app and pass it to
the services, which never read configuration themselves.

Versions. The in-force policy, every section together, is one JSON document made canonical by
RFC 8785 and identified by its SHA-256. `record()` stores it as the next version when it differs
from the latest recorded one, with an audit event in the same transaction; recording the same
policy again changes nothing, and returning to an earlier configuration makes a new version, so
the record shows what was in force from when. It is called:

- by ``flask --app wsgi policy record``, a deploy step right after ``db upgrade`` (``make run``
  runs it): creating the app may not touch the database, so the deploy is the first moment a new
  configuration meets it;
- by the scheduler as it starts, before its first sweep: the sweeps open tasks and rule on
  explanations under the policy, so they never act under an unrecorded one;
- lazily, by the public policy page and API, when the latest recorded version is not the one in
  force (a deployment that skipped the command): what the public is shown as in force is always a
  recorded version. Two processes serving different configurations at once would each record
  theirs in turn, and the record would show exactly that.

A recorder locks the audit chain's head row before it reads the latest version (its commit locks
that row anyway, to chain the event), so two processes recording at once make one version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Mapping
from fractions import Fraction

import rfc8785
from flask import Flask
from sqlmodel import Session, select

from market import audit, clock
from market.accounts import Policy
from market.attachments import AttachmentPolicy
from market.models import AuditHead, PolicyVersion
from market.tasks import TaskPolicy
from market.validation import N_

#: Where an app keeps its registry (`app.extensions`).
EXTENSION = "market.policy"
#: The setting the registry is built from.
SETTING = "POLICY"


class PolicyError(ValueError):
    """A POLICY setting that cannot be used, found while the app is created."""


@dataclasses.dataclass(frozen=True)
class Section:
    """One package's part of the policy.

    `defaults` is an instance of a frozen dataclass holding the design's numbers; `title` and
    `labels` (one per field) are msgids shown on the policy page; `value_labels` names the codes
    used as keys of a mapping field (e.g. the funding kinds). `flat_keys` lets the fields be set at
    the top level of POLICY, as market's original settings always could.
    """

    name: str
    defaults: object
    title: str
    labels: Mapping[str, str]
    value_labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    flat_keys: bool = False

    def __post_init__(self) -> None:
        # Mistakes here are the programmer's, so they are TypeErrors raised on import.
        kind = type(self.defaults)
        if not dataclasses.is_dataclass(kind) or not kind.__dataclass_params__.frozen:
            raise TypeError(f"policy section {self.name!r}: defaults must be a frozen dataclass")
        names = self.field_names()
        if set(self.labels) != set(names):
            raise TypeError(f"policy section {self.name!r}: one label per field, no other")
        for name in names:
            value = getattr(self.defaults, name)
            if not all(map(_simple, value.values() if isinstance(value, dict) else [value])):
                raise TypeError(f"policy section {self.name!r}: unsupported value in {name!r}")

    def field_names(self) -> list[str]:
        return [f.name for f in dataclasses.fields(self.defaults)]


def _simple(value: object) -> bool:
    """The kinds of value a setting may hold, told apart by the type of its default: whole
    numbers, exact shares and strings; a setting may also map codes to such values."""
    return isinstance(value, int | Fraction | str) and not isinstance(value, bool)


def _exact_fraction(path: str, value: object) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            pass
    raise PolicyError(
        f'{path}: {value!r} is not an exact fraction; write "1/2", "0.45" or an integer '
        "(a float is not exact)"
    )


def _coerce(path: str, default: object, value: object) -> object:
    """`value` as the kind of `default`, or a PolicyError naming `path`."""
    if isinstance(default, int):
        if not isinstance(value, int) or isinstance(value, bool):
            raise PolicyError(f"{path}: {value!r} is not a whole number")
        if value < 0:
            raise PolicyError(f"{path}: {value!r} is negative")
        return value
    if isinstance(default, Fraction):
        share = _exact_fraction(path, value)
        if share < 0:
            raise PolicyError(f"{path}: {value!r} is negative")
        return share
    if isinstance(default, str):
        if not isinstance(value, str):
            raise PolicyError(f"{path}: {value!r} is not a string")
        return value
    if not isinstance(value, Mapping):
        raise PolicyError(f"{path}: {value!r} is not a mapping of {', '.join(map(str, default))}")
    merged = dict(default)
    keys = {str(k): k for k in default}
    for key, item in value.items():
        if key not in keys:
            raise PolicyError(f"{path}.{key}: unknown key (known: {', '.join(sorted(keys))})")
        merged[keys[key]] = _coerce(f"{path}.{key}", default[keys[key]], item)
    return merged


def _jsonable(value: object) -> object:
    """A setting as it appears in the policy document: shares as "p/q" strings, mapping keys as
    strings, everything else as itself."""
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


class Registry:
    """Every registered section, built from one POLICY setting; sealed once all are registered.

    A section's configured value is available as soon as it is registered (sweeps are bound to it
    while the app is created); the document and its hash, only once the registry is sealed.
    """

    def __init__(self, settings: object = None):
        if settings is None:
            settings = {}
        if not isinstance(settings, Mapping):
            raise PolicyError(f"{SETTING}: {settings!r} is not a mapping of sections")
        self._settings = dict(settings)
        self._sections: dict[str, Section] = {}
        self._values: dict[str, object] = {}
        self._document: str | None = None
        self._sha256: str | None = None

    def register(self, section: Section) -> object:
        """Build `section` from the setting (checking every value it takes); returns it."""
        if self._document is not None:
            raise RuntimeError(f"policy section {section.name!r} registered after sealing")
        if section.name in self._sections:
            raise RuntimeError(f"policy section {section.name!r} registered twice")
        flat = set(section.field_names()) if section.flat_keys else set()
        for other in self._sections.values():
            if other.flat_keys and flat & set(other.field_names()):
                raise RuntimeError(
                    f"policy sections {other.name!r} and {section.name!r} share keys"
                )
        if section.name in flat:
            raise RuntimeError(f"policy section {section.name!r} has a field of its own name")
        given: dict[str, tuple[str, object]] = {
            key: (f"{SETTING}.{key}", self._settings[key]) for key in flat if key in self._settings
        }
        nested = self._settings.get(section.name, {})
        if not isinstance(nested, Mapping):
            raise PolicyError(f"{SETTING}.{section.name}: {nested!r} is not a mapping of settings")
        known = section.field_names()
        for key, value in nested.items():
            path = f"{SETTING}.{section.name}.{key}"
            if key not in known:
                raise PolicyError(f"{path}: unknown setting (known: {', '.join(known)})")
            if key in given:
                raise PolicyError(f"{path}: also set as {given[key][0]}; set it once")
            given[key] = (path, value)
        changes = {
            key: _coerce(path, getattr(section.defaults, key), value)
            for key, (path, value) in given.items()
        }
        self._sections[section.name] = section
        self._values[section.name] = dataclasses.replace(section.defaults, **changes)
        return self._values[section.name]

    def seal(self) -> None:
        """Refuse any key of the setting that no section claimed; make the document."""
        claimed = set(self._sections)
        for section in self._sections.values():
            if section.flat_keys:
                claimed.update(section.field_names())
        unknown = sorted(set(self._settings) - claimed, key=str)
        if unknown:
            raise PolicyError(
                f"{SETTING}.{unknown[0]}: unknown key (sections: {', '.join(self._sections)})"
            )
        document = {
            name: {
                key: _jsonable(getattr(self._values[name], key)) for key in section.field_names()
            }
            for name, section in self._sections.items()
        }
        canonical = rfc8785.dumps(document)
        self._document = canonical.decode("utf-8")
        self._sha256 = hashlib.sha256(canonical).hexdigest()

    def section(self, name: str):
        """The configured value of section `name` (an instance of its dataclass)."""
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(f"no policy section {name!r}") from None

    @property
    def sections(self) -> tuple[Section, ...]:
        """The registered sections, in the order of registration."""
        return tuple(self._sections.values())

    @property
    def document(self) -> str:
        """The in-force policy as canonical JSON (RFC 8785): {section: {setting: value}}."""
        if self._document is None:
            raise RuntimeError("the policy registry is not sealed yet")
        return self._document

    @property
    def sha256(self) -> str:
        """The SHA-256 (lowercase hex) of `document`'s UTF-8 bytes."""
        if self._sha256 is None:
            raise RuntimeError("the policy registry is not sealed yet")
        return self._sha256


# --- the app's registry -------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Start the app's registry from its POLICY setting (before any section registers)."""
    app.extensions[EXTENSION] = Registry(app.config.get(SETTING))


def register(app: Flask, section: Section) -> object:
    """Add a package's section to the app's policy: the one call a package makes."""
    return registry_of(app).register(section)


def seal(app: Flask) -> None:
    """Called by the composition root once every package has registered its section."""
    registry_of(app).seal()


def registry_of(app: Flask) -> Registry:
    return app.extensions[EXTENSION]


# --- versions -----------------------------------------------------------------------------------


def latest(session: Session) -> PolicyVersion | None:
    return session.exec(select(PolicyVersion).order_by(PolicyVersion.version.desc())).first()


def history(session: Session) -> list[PolicyVersion]:
    """Every recorded version, newest first."""
    return list(session.exec(select(PolicyVersion).order_by(PolicyVersion.version.desc())))


def get_version(session: Session, number: int) -> PolicyVersion | None:
    return session.get(PolicyVersion, number)


def record(session: Session, registry: Registry) -> tuple[PolicyVersion, bool]:
    """Make the in-force policy the latest recorded version (idempotent); returns the version and
    whether it was recorded now. The caller commits."""
    current = latest(session)
    if current is not None and current.sha256 == registry.sha256:
        return current, False  # the usual case, without a lock
    # The audit head row: taken now, before the latest version is read again, it makes two
    # recorders wait for each other instead of both adding the same version number.
    session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    current = latest(session)
    if current is not None and current.sha256 == registry.sha256:
        return current, False
    row = PolicyVersion(
        version=current.version + 1 if current is not None else 1,
        document=registry.document,
        sha256=registry.sha256,
        recorded_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "policy.recorded",
        "policy_version",
        row.version,
        {"sha256": row.sha256, "previous_sha256": current.sha256 if current else None},
    )
    return row, True


# --- what the public reads ----------------------------------------------------------------------


def describe_version(row: PolicyVersion) -> dict:
    return {
        "version": row.version,
        "sha256": row.sha256,
        "recorded_at": row.recorded_at.isoformat(),
        "document": row.document,
    }


def describe(
    registry: Registry,
    current: PolicyVersion,
    earlier: list[PolicyVersion],
    tr: Callable[[str], str] = str,
) -> dict:
    """The policy in force for the page and the API: every section with its labels (through
    `tr`, the reader's translation) and values, the version and the versions before it."""
    values = json.loads(current.document)
    return {
        **describe_version(current),
        "sections": [
            {
                "name": section.name,
                "title": tr(section.title),
                "settings": [
                    {
                        "key": key,
                        "label": tr(section.labels[key]),
                        "value": values[section.name][key],
                    }
                    for key in section.field_names()
                ],
                "value_labels": {code: tr(msgid) for code, msgid in section.value_labels.items()},
            }
            for section in registry.sections
        ],
        "earlier": [describe_version(row) for row in earlier if row.version != current.version],
    }


# --- market's own sections ----------------------------------------------------------------------

ACCOUNTS = Section(
    "accounts",
    Policy(),
    N_("Accounts"),
    {
        "password_min_length": N_("Shortest password (characters)"),
        "password_max_length": N_("Longest password (characters)"),
        "login_long_window_seconds": N_(
            "Longest wait after failed logins, and the long window they are counted in (seconds)"
        ),
        "login_account_per_minute": N_("Failed logins a minute per account from new devices"),
        "login_account_per_long_window": N_(
            "Failed logins per long window per account from new devices"
        ),
        "login_address_per_minute": N_("Failed logins a minute per address from new devices"),
        "login_address_per_long_window": N_(
            "Failed logins per long window per address from new devices"
        ),
        "login_device_per_minute": N_("Failed logins a minute per remembered device"),
        "login_device_per_long_window": N_("Failed logins per long window per remembered device"),
        "login_device_days": N_("A device that logged in is remembered for (days)"),
        "password_reset_minutes": N_("A password-reset link works for (minutes)"),
        "recovery_codes": N_("Recovery codes given with a second factor"),
    },
    flat_keys=True,
)
TASKS = Section(
    "tasks",
    TaskPolicy(),
    N_("Tasks"),
    {
        "min_bidding_wd": N_("Shortest bidding period by funding (working days)"),
        "default_bidding_wd": N_("Bidding period when a task sets none (working days)"),
        "min_bids_competitive": N_("Minimum valid bids for budget and state-owned funding"),
        "min_price_weight": N_("Smallest price weight in scoring (of 100)"),
        "procurement_threshold_fen": N_(
            "Formal procurement threshold for budget and state-owned funding"
        ),
        "max_cap_fen": N_("Highest price cap or fixed fee"),
    },
    value_labels={
        "budget": N_("budget"),
        "state_owned": N_("state-owned"),
        "private": N_("private"),
    },
    flat_keys=True,
)
ATTACHMENTS = Section(
    "attachments",
    AttachmentPolicy(),
    N_("Attachments"),
    {
        "attachment_max_bytes": N_("Largest attached file (bytes)"),
        "attachment_max_files": N_("Most files attached to one task or one bid"),
    },
    flat_keys=True,
)
#: Registered by `create_core_app`, in this order.
CORE_SECTIONS = (ACCOUNTS, TASKS, ATTACHMENTS)
