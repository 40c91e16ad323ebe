"""Objections, complaints, suspensions and decisions on the API and the pages: who sees what
(docs/rules.md §4), exact statuses and messages, a refused form keeps what was typed."""

from __future__ import annotations

from bidding import awards
from bidding.models import Complaint
from bidding.objections import services as objections
from bidding.policy import DEFAULT_POLICY
from market import lifecycle
from tests.bidding.helpers import text
from tests.bidding.test_awards import in_publicity

P = DEFAULT_POLICY


def test_the_api_path_from_objection_to_upheld_complaint(world, db, as_, make):
    task, agencies = in_publicity(world)
    objector, applicant, other = as_(agencies[1]), as_(world.applicant), as_(agencies[2])
    regulator = as_(world.regulator)
    beijing = as_(make.staff("regulator", region_prefixes=["11"]))
    url = f"/api/v1/tasks/{task.number}/award/objections"
    filed = objector.post(url, json={"grounds": "中选价格低于成本"})
    assert filed.status_code == 201, filed.get_json()
    body = filed.get_json()
    assert (body["kind"], body["state"], body["mine"], body["award_rank"]) == (
        "objection",
        "awaiting_answer",
        True,
        1,
    )
    oid = body["id"]
    # The grounds go to the parties and covering regulators only.
    public = as_().get(url).get_json()
    assert public["items"] == [] and public["can_object"] is False
    assert [i["id"] for i in other.get(url).get_json()["items"]] == []
    assert [i["grounds"] for i in applicant.get(url).get_json()["items"]] == ["中选价格低于成本"]
    assert [i["id"] for i in regulator.get(url).get_json()["items"]] == [oid]
    assert beijing.get(url).get_json()["items"] == []
    again = objector.post(url, json={"grounds": "再次"})
    assert again.status_code == 403
    assert again.get_json()["detail"] == (
        "Your agency already has an objection to this award candidate awaiting its answer: "
        "wait for the answer before objecting again."
    )
    outsider = as_(world.agency()).post(url, json={"grounds": "理由"})
    assert outsider.status_code == 403
    assert outsider.get_json()["detail"] == (
        "Only an agency that bid on this task may object to its result."
    )

    answered = applicant.post(f"/api/v1/objections/{oid}/answer", json={"answer": "价格经核实合理"})
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json()["state"] == "answered"
    assert answered.get_json()["answered_late"] is False

    complaint = objector.post("/api/v1/complaints", json={"objection_id": oid, "grounds": "投诉"})
    assert complaint.status_code == 201, complaint.get_json()
    cid = complaint.get_json()["id"]
    assert as_().get(f"/api/v1/complaints/{cid}").status_code == 401
    assert other.get(f"/api/v1/complaints/{cid}").status_code == 404
    assert beijing.get(f"/api/v1/complaints/{cid}").status_code == 404
    assert applicant.get(f"/api/v1/complaints/{cid}").get_json()["grounds"] == "投诉"
    assert [c["id"] for c in objector.get("/api/v1/complaints").get_json()["items"]] == [cid]
    queue = regulator.get("/api/v1/complaints").get_json()
    assert (queue["state"], queue["counts"]) == ("undecided", {"undecided": 1, "decided": 0})
    assert [c["id"] for c in queue["items"]] == [cid]
    assert beijing.get("/api/v1/complaints").get_json()["items"] == []

    refused = beijing.post(
        f"/api/v1/tasks/{task.number}/suspension", json={"reason": "调查", "complaint_id": cid}
    )
    assert refused.status_code == 403
    assert refused.get_json()["detail"] == (
        "Only a regulator whose jurisdiction covers this task may do this."
    )
    suspended = regulator.post(
        f"/api/v1/tasks/{task.number}/suspension",
        json={"reason": "调查期间暂停", "complaint_id": cid},
    )
    assert suspended.status_code == 201, suspended.get_json()
    (stop,) = suspended.get_json()["suspensions"]
    assert (stop["reason"], stop["for_complaint"], stop["ended_at"]) == ("调查期间暂停", True, None)
    # The suspension is public on the task's objections and its page.
    assert as_().get(url).get_json()["suspensions"][0]["reason"] == "调查期间暂停"
    assert "调查期间暂停" in text(as_().get(f"/tasks/{task.number}"))

    bad = regulator.post(f"/api/v1/complaints/{cid}/decision", json={"decision": "upheld"})
    assert bad.status_code == 422
    decided = regulator.post(
        f"/api/v1/complaints/{cid}/decision",
        json={
            "decision": "upheld",
            "reason": "中选人报价低于成本",
            "conduct_agency_id": agencies[0].organization_id,
        },
    )
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["decision"] == "upheld"
    assert decided.get_json()["conduct_agency"]["id"] == agencies[0].organization_id
    db.expire_all()
    assert awards.current(db, task).rank == 2
    assert lifecycle.status(db.get(type(task), task.id)) == lifecycle.PUBLICITY
    public = as_().get(url).get_json()
    assert [(d["id"], d["decision"], d["reason"]) for d in public["decisions"]] == [
        (cid, "upheld", "中选人报价低于成本")
    ]
    assert public["suspensions"][0]["ended_at"] is not None


def test_resumption_by_the_api(world, db, as_):
    task, _ = in_publicity(world)
    regulator = as_(world.regulator)
    assert (
        regulator.post(f"/api/v1/tasks/{task.number}/resumption", json={"reason": "x"}).get_json()[
            "detail"
        ]
        == "The task is not suspended."
    )
    regulator.post(f"/api/v1/tasks/{task.number}/suspension", json={"reason": "核查"})
    resumed = regulator.post(f"/api/v1/tasks/{task.number}/resumption", json={"reason": "核查完毕"})
    assert resumed.status_code == 200, resumed.get_json()
    (stop,) = resumed.get_json()["suspensions"]
    assert (stop["reason"], stop["end_reason"], stop["for_complaint"]) == (
        "核查",
        "核查完毕",
        False,
    )


def test_the_result_page_has_the_objection_form_and_keeps_what_was_typed(world, as_):
    task, agencies = in_publicity(world)
    client = as_(agencies[1])
    page = text(client.get(f"/tasks/{task.number}/award"))
    assert 'name="obj-grounds"' in page
    assert 'name="obj-grounds"' not in text(as_().get(f"/tasks/{task.number}/award"))
    too_long = "异" * 5001
    refused = client.post(f"/tasks/{task.number}/award/objections", data={"obj-grounds": too_long})
    assert refused.status_code == 422
    assert "At most 5000 characters (you gave 5001)." in text(refused)
    assert too_long in text(refused)
    filed = client.post(
        f"/tasks/{task.number}/award/objections", data={"obj-grounds": "中选价格低于成本"}
    )
    assert filed.status_code == 302 and filed.location.endswith("#objections")
    page = text(client.get(f"/tasks/{task.number}/award"))
    assert "Your objection is filed; the applicant answers it." in page
    assert "中选价格低于成本" in page and "awaiting the answer" in page


def test_the_period_over_says_when_it_ended(world, db, as_, frozen):
    task, agencies = in_publicity(world)
    frozen.set(awards.current(db, task).objections_until)
    page = text(as_(agencies[1]).get(f"/tasks/{task.number}/award"))
    assert "The objection period ended on " in page
    assert 'name="obj-grounds"' not in page


def test_the_applicant_answers_on_the_page_and_the_objector_complains(world, db, as_):
    task, agencies = in_publicity(world)
    row = objections.file_objection(db, agencies[1], task.number, "中选价格低于成本", P)
    db.commit()
    applicant = as_(world.applicant)
    page = text(applicant.get(f"/tasks/{task.number}/award"))
    assert "中选价格低于成本" in page and f'name="ans{row.id}-answer"' in page
    empty = applicant.post(f"/objections/{row.id}/answer", data={f"ans{row.id}-answer": " "})
    assert empty.status_code == 422 and "This field is required." in text(empty)
    done = applicant.post(f"/objections/{row.id}/answer", data={f"ans{row.id}-answer": "已核实"})
    assert done.status_code == 302 and done.location.endswith(f"#objection-{row.id}")
    objector = as_(agencies[1])
    page = text(objector.get(f"/tasks/{task.number}/award"))
    assert "已核实" in page and f'name="cmp{row.id}-grounds"' in page
    filed = objector.post(f"/objections/{row.id}/complaint", data={f"cmp{row.id}-grounds": "投诉"})
    assert filed.status_code == 302
    assert "Your complaint is filed with the regulator." in text(
        objector.get(f"/tasks/{task.number}/award")
    )


def test_the_regulator_suspends_and_decides_on_its_pages(world, db, as_, make):
    task, agencies = in_publicity(world)
    row = objections.file_objection(db, agencies[1], task.number, "中选价格低于成本", P)
    objections.answer_objection(db, world.applicant, row.id, "已核实", P)
    complaint = objections.file_complaint(db, agencies[1], row.id, "答复未回应", P)
    db.commit()
    assert as_(agencies[1]).get("/regulator/complaints").status_code == 403
    regulator = as_(world.regulator)
    queue = text(regulator.get("/regulator/complaints"))
    assert "To decide (1)" in queue and task.number in queue
    beijing = as_(make.staff("regulator", region_prefixes=["11"]))
    assert "To decide (0)" in text(beijing.get("/regulator/complaints"))
    assert beijing.get(f"/regulator/complaints/{complaint.id}").status_code == 403
    page = text(regulator.get(f"/regulator/complaints/{complaint.id}"))
    assert "答复未回应" in page and "中选价格低于成本" in page and "已核实" in page
    base = f"/regulator/complaints/{complaint.id}"
    assert regulator.post(f"{base}/suspension", data={"sus-reason": "调查"}).status_code == 302
    assert "in force" in text(regulator.get(base))
    refused = regulator.post(f"{base}/decision", data={"dec-decision": "upheld", "dec-reason": " "})
    assert refused.status_code == 422 and "This field is required." in text(refused)
    decided = regulator.post(
        f"{base}/decision", data={"dec-decision": "dismissed", "dec-reason": "答复已回应"}
    )
    assert decided.status_code == 302
    page = text(regulator.get(base))
    assert "The decision is recorded and published." in page and "dismissed" in page
    db.expire_all()
    assert db.get(Complaint, complaint.id).decision == "dismissed"
    assert "Decided (1)" in text(regulator.get("/regulator/complaints?state=decided"))
    assert "答复已回应" in text(as_().get(f"/tasks/{task.number}/award"))
    assert "答复未回应" not in text(as_().get(f"/tasks/{task.number}/award"))


def test_a_complaint_names_an_objection_that_exists(world, as_):
    client = as_(world.agency())
    missing = client.post("/api/v1/complaints", json={"grounds": "投诉"})
    assert missing.status_code == 422
    assert missing.get_json()["errors"]["objection_id"] == ["This field is required."]
    unknown = client.post("/api/v1/complaints", json={"objection_id": 999, "grounds": "投诉"})
    assert unknown.status_code == 422
    assert unknown.get_json()["errors"]["objection_id"] == ["No objection with this id."]
