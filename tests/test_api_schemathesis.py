"""Schemathesis against the API's own OpenAPI document (/api/v1/openapi.json), in process through
WSGI, anonymously and with the Bearer token of a logged-in agency: for every documented operation,
generated requests (valid and invalid, a few each) never get a 5xx, and every answer conforms to
the document: its status, content type, headers and body schema.

Each operation is a test of its own, in the test's rolled-back transaction. The document is
loaded once, at collection, from an app of the test configuration (creating one touches no
database; `schemathesis.pytest.from_fixture` would load it from the `app` fixture, but it does
not run under pytest 9, whose nodes no longer have `_nodeid`); the requests go to the test's app.

Bounded for the suite's time: two generated cases per operation and identity (about 270 in
all). The coverage phase (every boundary and wrong-type case the document implies, about 4,200
more, about 10 s) and more examples are for a deliberate run: edit `phases` and `max_examples`.

Checks left out, and why:
- positive_data_acceptance: a request the JSON Schema accepts may still break a domain rule the
  schema cannot state (a USCC's check character, a service item that exists, a policy's bounds),
  and is refused with 422, 403 or 404 as documented;
- the stateful checks (use_after_free, ensure_resource_availability) do not apply: the document
  declares no links between operations, and the stateful phase is not run.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from market import accounts
from tests.conftest import app_config
from wsgi import create_app

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app(app_config("sqlite://")))
schema.config.phases.update(phases=["examples", "fuzzing"])
EXCLUDED = [positive_data_acceptance]
FUZZING = settings(
    max_examples=2,
    deadline=None,
    database=None,  # no example database: a failure prints its request to replay
    # The agency's token serves every case of the test on purpose, in the test's transaction.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def agency_token(make, db) -> dict[str, str]:
    _, plain = accounts.create_token(db, make.agency(), "schemathesis")
    db.commit()
    return {"Authorization": f"Bearer {plain}"}


@schema.parametrize()
@FUZZING
def test_the_api_answers_anyone_as_documented_and_never_fails(case, app):
    case.call_and_validate(app=app, excluded_checks=EXCLUDED)


@schema.parametrize()
@FUZZING
def test_the_api_answers_an_agency_as_documented_and_never_fails(case, app, agency_token):
    case.call_and_validate(app=app, headers=agency_token, excluded_checks=EXCLUDED)
