"""The invitations API: the invited agency accepts (fen) or declines, the applicant invites
another, each refusal with its status and message, and who sees what (docs/rules.md §5, §10)."""

from __future__ import annotations

API = "/api/v1"


def direct(world):
    invited = world.agency()
    task = world.post_task("direct", invited_agency_id=invited.organization_id)
    return task, invited


def detail(response) -> str:
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    return response.get_json()["detail"]


def test_the_invited_agency_accepts_in_fen_and_becomes_the_award_candidate(world, as_):
    task, invited = direct(world)
    agency = as_(invited)
    mine = agency.get(f"{API}/invitations").get_json()["items"]
    assert [(i["task"], i["state"], i["mine"], i["price_fen"]) for i in mine] == [
        (task.number, "pending", True, None)
    ]
    response = agency.post(
        f"{API}/tasks/{task.number}/invitations/accept",
        json={"price_fen": 1_500_000, "duration_days": 30},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["state"], body["price_fen"], body["duration_days"]) == ("accepted", 1_500_000, 30)
    award = as_().get(f"{API}/tasks/{task.number}/award").get_json()
    assert award["published"] is True
    assert award["award_candidate"]["agency"]["id"] == invited.organization_id
    draw = as_().get(f"{API}/tasks/{task.number}/draw")
    assert (draw.status_code, draw.get_json()["draws"]) == (200, [])
    assert as_().get(f"/tasks/{task.number}/draw").status_code == 200


def test_over_the_cap_is_a_422_with_the_message_in_yuan(world, as_):
    task, invited = direct(world)
    response = as_(invited).post(
        f"{API}/tasks/{task.number}/invitations/accept",
        json={"price_fen": 2_000_001, "duration_days": 30},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "price_fen": ["The price is above the task's price cap of ¥20,000.00."]
    }


def test_a_decline_needs_a_reason_and_another_agency_is_refused(world, as_):
    task, invited = direct(world)
    other = as_(world.agency())
    response = other.post(f"{API}/tasks/{task.number}/invitations/decline", json={"reason": "忙"})
    assert (response.status_code, detail(response)) == (
        403,
        "Your agency is not invited to this task.",
    )
    agency = as_(invited)
    response = agency.post(f"{API}/tasks/{task.number}/invitations/decline", json={})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"reason": ["This field is required."]}
    response = agency.post(
        f"{API}/tasks/{task.number}/invitations/decline", json={"reason": "本月人员已满"}
    )
    assert response.status_code == 200
    assert response.get_json()["state"] == "declined"


def test_the_applicant_reinvites_and_regulators_read_the_history_the_public_nothing(world, as_):
    task, invited = direct(world)
    as_(invited).post(
        f"{API}/tasks/{task.number}/invitations/decline", json={"reason": "本月人员已满"}
    )
    applicant = as_(world.applicant)
    listing = applicant.get(f"{API}/tasks/{task.number}/invitations").get_json()
    assert listing["can_invite"] is True
    second = world.agency()
    response = applicant.post(
        f"{API}/tasks/{task.number}/invitations", json={"agency_id": second.organization_id}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["state"] == "pending"
    response = applicant.post(
        f"{API}/tasks/{task.number}/invitations", json={"agency_id": invited.organization_id}
    )
    assert (response.status_code, detail(response)) == (
        403,
        "The invited agency has not answered yet.",
    )
    history = as_(world.regulator).get(f"{API}/tasks/{task.number}/invitations").get_json()
    assert [(i["agency"]["id"], i["state"], i["decline_reason"]) for i in history["items"]] == [
        (invited.organization_id, "declined", "本月人员已满"),
        (second.organization_id, "pending", None),
    ]
    public = as_().get(f"{API}/tasks/{task.number}/invitations").get_json()
    assert (public["items"], public["can_invite"]) == ([], False)
    theirs = as_(second).get(f"{API}/tasks/{task.number}/invitations").get_json()["items"]
    assert [i["agency"]["id"] for i in theirs] == [second.organization_id]


def test_after_the_deadline_accepting_is_refused(world, as_, frozen):
    task, invited = direct(world)
    frozen.set(task.deadline_at)
    response = as_(invited).post(
        f"{API}/tasks/{task.number}/invitations/accept",
        json={"price_fen": 1_000_000, "duration_days": 30},
    )
    assert (response.status_code, detail(response)) == (
        403,
        "The invitation lapsed at the task's deadline: it can no longer be answered.",
    )


def test_own_invitations_are_for_agencies_only(world, as_):
    response = as_(world.applicant).get(f"{API}/invitations")
    assert (response.status_code, detail(response)) == (
        403,
        "Your organization's kind may not do this.",
    )
    assert as_().get(f"{API}/invitations").status_code == 401


def test_after_a_lapse_the_applicant_invites_another_on_the_task_posted_again(world, as_, frozen):
    task, invited = direct(world)
    frozen.set(task.deadline_at)
    applicant = as_(world.applicant)
    assert applicant.get(f"{API}/tasks/{task.number}").get_json()["status"] == "failed"
    listing = applicant.get(f"{API}/tasks/{task.number}/invitations").get_json()
    assert listing["can_invite"] is True
    assert [i["state"] for i in listing["items"]] == ["lapsed"]
    other = world.agency()
    response = applicant.post(
        f"{API}/tasks/{task.number}/invitations", json={"agency_id": other.organization_id}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["task"] != task.number
    assert (body["agency"]["id"], body["state"]) == (other.organization_id, "pending")
    new = applicant.get(f"{API}/tasks/{body['task']}").get_json()
    assert (new["status"], new["reposted_from_id"]) == ("open", task.id)
