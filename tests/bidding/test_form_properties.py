"""Whatever a form is sent, its page answers without a server error (Hypothesis): every form of the
platform, posted by the role that uses it, with any text in any of its fields (amounts, numbers,
dates and choices included) answers below 500: the page again with its messages, a redirect, or
a refusal. Bounded: 15 submissions per form, no deadline."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import login

#: Any text, and text shaped like what the fields expect, or just beyond it.
TYPED = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "0", "3", "-1", "1e5", "Infinity", "NaN", "9" * 40, "１２", "2026-13-45", "x" * 3000]
    ),
)

#: (role, form URL; TASK is an open task's page) → the form's fields.
FORMS = {
    ("applicant", "/tasks/new"): [
        *("service_item", "title", "description", "project_code", "approval_item", "funding"),
        *("budget_code", "method", "price_cap", "fixed_fee", "min_bids", "weight_price"),
        *("weight_credit", "weight_quality", "panel_size", "invited_agency_id", "service_days"),
        *("bidding_wd", "required_qualifications"),
    ],
    ("applicant", "TASK/amend"): [
        *("title", "description", "price_cap", "fixed_fee", "service_days", "bidding_wd"),
        *("reason", "service_item", "funding", "method", "required_qualifications"),
    ],
    ("applicant", "TASK/cancel"): ["reason"],
    ("applicant", "/account/"): ["name"],
    ("agency", "TASK/bid"): [
        *("bid-price", "bid-duration_days", "bid-proposal_text", "bid-attachments"),
    ],
    ("agency", "TASK/questions"): ["ask-question"],
    ("agency", "TASK/objections"): ["obj-text"],
    ("anonymous", "/register/agency"): [
        *("name", "uscc", "legal_representative", "region_code", "address", "description"),
        *("contact_name", "contact_phone", "contact_email", "services-0-service_item"),
        *("services-0-commitment_days", "services-0-commitment_scope", "services-0-price_min"),
        *("services-0-price_max", "professionals-0-name", "professionals-0-id_number"),
        *("qualifications-0-scope", "qualifications-0-valid_until", "commitment", "user_name"),
        *("email", "phone", "password"),
    ],
    ("anonymous", "/register/enterprise"): [
        *("name", "uscc", "legal_representative", "region_code", "user_name", "email"),
        *("phone", "password"),
    ],
    ("anonymous", "/login"): ["email", "password", "totp"],
    ("operator", "/operator/accounts"): [
        *("kind", "name", "region_code", "categories", "region_prefixes", "user_name"),
        *("email", "phone", "password"),
    ],
    ("operator", "/operator/service-items/EIA-REPORT"): [
        *("name_zh", "name_en", "category", "legal_basis_zh", "time_limit_wd", "workflow_zh"),
        *("fee_standard", "department_commissioned"),
    ],
    ("operator", "/operator/calendar"): ["day", "is_workday", "name", "mark_year_known"],
    ("agency", "/account/related/identity"): ["identity-document_type", "identity-number"],
    ("agency", "/account/related/relations"): [
        *("relation-first_uscc", "relation-kind", "relation-second_uscc", "relation-basis"),
    ],
    ("regulator", "/regulator/related/identities"): [
        *("verify-uscc", "verify-document_type", "verify-number", "verify-basis"),
    ],
    ("regulator", "/regulator/related/relations"): [
        *("relation-first_uscc", "relation-kind", "relation-second_uscc", "relation-basis"),
    ],
    ("regulator", "/regulator/related/false-declarations"): [
        *("finding-uscc", "finding-declaration", "finding-relation_id", "finding-task"),
        "finding-statement",
    ],
}


@pytest.mark.parametrize("role, url", list(FORMS), ids=[url for _, url in FORMS])
def test_any_submission_of_a_form_gets_no_server_error(app, world, make, role, url):
    task = world.post_task()
    client = app.test_client()
    if role == "applicant":
        login(client, world.applicant)
    elif role == "agency":
        login(client, world.agency())
    elif role == "operator":
        login(client, make.staff("operator"))
    elif role == "regulator":
        login(client, world.regulator)
    target = url.replace("TASK", f"/tasks/{task.number}")

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.fixed_dictionaries({}, optional={name: TYPED for name in FORMS[role, url]}))
    def submit(data):
        assert client.post(target, data=data).status_code < 500

    submit()
