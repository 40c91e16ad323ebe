"""The invitation on the pages: the invited agency sees it on the task page and its list, accepts
in yuan (an error keeps what was typed) or declines with a reason; the applicant invites another
agency; the history for the applicant and regulators; Chinese by default (docs/rules.md §5)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bidding.helpers import text
from tests.conftest import login


def direct(world):
    invited = world.agency()
    task = world.post_task("direct", invited_agency_id=invited.organization_id)
    return task, invited


def test_the_invited_agency_sees_the_invitation_and_accepts_in_yuan(world, as_):
    task, invited = direct(world)
    client = as_(invited)
    listing = text(client.get("/invitations"))
    assert task.number in listing and "awaiting an answer" in listing
    page = text(client.get(f"/tasks/{task.number}"))
    assert "Your agency is invited. Price cap: 20,000.00 yuan" in page
    assert 'name="inv-price"' in page
    assert 'name="inv-price"' not in text(as_(world.agency()).get(f"/tasks/{task.number}"))
    response = client.post(
        f"/tasks/{task.number}/invitation/accept",
        data={"inv-price": "15,000.50", "inv-duration_days": "30"},
    )
    assert response.status_code == 302 and response.location.endswith("#invitation")
    page = text(client.get(f"/tasks/{task.number}"))
    assert "You accepted the invitation: your agency is the award candidate." in page
    assert "15,000.50 yuan, 30 days" in page
    award = text(as_().get(f"/tasks/{task.number}/award"))
    assert world.org(invited).name in award


def test_over_the_cap_the_page_comes_back_with_the_message_and_what_was_typed(world, as_):
    task, invited = direct(world)
    response = as_(invited).post(
        f"/tasks/{task.number}/invitation/accept",
        data={"inv-price": "20000.01", "inv-duration_days": "61"},
    )
    assert response.status_code == 422
    page = text(response)
    assert "The price is above the task's price cap of ¥20,000.00." in page
    assert "Must be at most 60." in page
    assert 'value="20000.01"' in page and 'value="61"' in page


def test_declining_needs_a_reason_then_the_applicant_invites_another(world, as_):
    task, invited = direct(world)
    agency = as_(invited, lang="zh")
    response = agency.post(f"/tasks/{task.number}/invitation/decline", data={"dec-reason": " "})
    assert response.status_code == 422
    assert "此项为必填项。" in text(response) and "本月" not in text(response)
    response = agency.post(
        f"/tasks/{task.number}/invitation/decline", data={"dec-reason": "本月人员已满"}
    )
    assert response.status_code == 302
    applicant = as_(world.applicant)
    page = text(applicant.get(f"/tasks/{task.number}"))
    assert "本月人员已满" in page and 'name="invite-agency_id"' in page
    response = applicant.post(f"/tasks/{task.number}/invitations", data={"invite-agency_id": "abc"})
    assert response.status_code == 422
    assert "Must be a whole number." in text(response) and 'value="abc"' in text(response)
    second = world.agency()
    response = applicant.post(
        f"/tasks/{task.number}/invitations",
        data={"invite-agency_id": str(second.organization_id)},
    )
    assert response.status_code == 302
    history = text(as_(world.regulator).get(f"/tasks/{task.number}"))
    assert history.index(world.org(invited).name) < history.index(world.org(second).name)
    assert "本月人员已满" in history and "awaiting an answer" in history
    public = text(as_().get(f"/tasks/{task.number}"))
    assert "本月人员已满" not in public


def test_the_page_is_in_chinese_by_default(world, as_):
    task, invited = direct(world)
    page = text(as_(invited, lang="zh").get(f"/tasks/{task.number}"))
    assert "邀请（直接选取）" in page and "接受邀请" in page


def test_after_a_lapse_the_page_invites_another_on_the_task_posted_again(world, as_, frozen):
    task, invited = direct(world)
    frozen.set(task.deadline_at)
    applicant = as_(world.applicant)
    page = text(applicant.get(f"/tasks/{task.number}"))
    assert "lapsed: not answered by the deadline" in page and 'name="invite-agency_id"' in page
    other = world.agency()
    response = applicant.post(
        f"/tasks/{task.number}/invitations",
        data={"invite-agency_id": str(other.organization_id)},
    )
    assert response.status_code == 302
    assert response.location.endswith("#invitation") and task.number not in response.location
    page = text(applicant.get(response.location))
    assert "The agency is invited." in page and world.org(other).name in page


TYPED = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "0", "-1", "1e5", "NaN", "9" * 40, "１２", "20000.001", "x" * 3000]),
)


def test_any_answer_or_invitation_typed_gets_no_server_error(app, world):
    """Hypothesis, bounded: whatever the invited agency types to accept or decline, and the
    applicant to invite another, the page answers below 500."""
    task, invited = direct(world)
    agency = app.test_client()
    login(agency, invited)
    applicant = app.test_client()
    login(applicant, world.applicant)

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.fixed_dictionaries({}, optional={"inv-price": TYPED, "inv-duration_days": TYPED}),
        st.fixed_dictionaries({}, optional={"dec-reason": TYPED}),
        st.fixed_dictionaries({}, optional={"invite-agency_id": TYPED}),
    )
    def submit(accept, decline, invite):
        assert agency.post(f"/tasks/{task.number}/invitation/accept", data=accept).status_code < 500
        assert (
            agency.post(f"/tasks/{task.number}/invitation/decline", data=decline).status_code < 500
        )
        assert applicant.post(f"/tasks/{task.number}/invitations", data=invite).status_code < 500

    submit()
