"""The JSON API's contract (docs/rules.md §10): an OpenAPI 3 document generated from the code at
/api/v1/openapi.json, and errors as application/problem+json (RFC 9457)."""

from __future__ import annotations

import io
import re

import pytest

from tests.conftest import agency_payload, login

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def refs(node):
    """Every $ref in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield path, method, op


def documented_rule(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def api_routes(app) -> set[tuple[str, str]]:
    return {
        (documented_rule(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if rule.rule != "/api/v1/openapi.json"
    }


# --- the document ------------------------------------------------------------------------------------


def test_document_is_openapi_3_with_info(spec):
    assert re.fullmatch(r"3\.\d+\.\d+", spec["openapi"])
    assert spec["info"]["title"] and spec["info"]["version"]
    assert isinstance(spec["paths"], dict) and spec["paths"]


@pytest.mark.parametrize(
    "path, methods",
    [
        ("/api/v1/session", {"get", "post", "delete"}),
        ("/api/v1/agencies", {"get", "post"}),
        ("/api/v1/agencies/{agency_id}", {"get"}),
        ("/api/v1/service-items", {"get"}),
        ("/api/v1/service-items/{code}", {"get", "patch"}),
        ("/api/v1/audit", {"get"}),
        ("/api/v1/audit/checkpoints", {"get"}),
        ("/api/v1/calendar/days", {"put"}),
    ],
)
def test_core_paths_are_described(spec, path, methods):
    assert path in spec["paths"]
    assert methods <= set(spec["paths"][path])


def test_every_reference_points_at_a_defined_schema(spec):
    schemas = spec["components"]["schemas"]
    found = list(refs(spec))
    assert found
    for ref in found:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    assert "$defs" not in str(spec)


def test_every_operation_is_complete(spec):
    for path, method, op in operations(spec):
        assert path.startswith("/api/v1/"), path
        assert op.get("summary"), (path, method)
        assert op["responses"], (path, method)
        for status, response in op["responses"].items():
            assert re.fullmatch(r"[1-5]\d\d", status), (path, status)
            assert response.get("description"), (path, method, status)
            # Errors are documented as problem+json.
            if status.startswith("4"):
                assert list(response["content"]) == ["application/problem+json"], (path, status)
        declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), (path, method)
        for p in op.get("parameters", []):
            if p["in"] == "path":
                assert p["required"] is True
        for scheme in op.get("security", []):
            assert set(scheme) <= set(spec["components"]["securitySchemes"])


def test_document_matches_the_routes(app, spec):
    """Generated from the code: every API route is described, and nothing else is."""
    documented = {(path, method) for path, method, _ in operations(spec)}
    assert documented == api_routes(app)


def test_bodies_and_responses_are_described_by_their_models(spec):
    schemas = spec["components"]["schemas"]
    post = spec["paths"]["/api/v1/agencies"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/AgencyIn"}
    agency_in = schemas["AgencyIn"]["properties"]
    assert {"uscc", "name", "services", "qualifications", "commitment"} <= set(agency_in)
    assert agency_in["services"]["items"] == {"$ref": "#/components/schemas/AgencyServiceIn"}
    assert "201" in post["responses"]
    listing = spec["paths"]["/api/v1/agencies"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "service_item",
        "qualification",
        "name",
        "cursor",
        "limit",
    }
    page = schemas["AgencyPage"]["properties"]
    assert {"items", "next_cursor"} <= set(page)


def test_protected_operations_say_how_to_authenticate(spec):
    assert spec["components"]["securitySchemes"]["token"] == {"type": "http", "scheme": "bearer"}
    assert spec["paths"]["/api/v1/audit"]["get"]["security"]
    assert spec["paths"]["/api/v1/service-items/{code}"]["patch"]["security"]
    assert "security" not in spec["paths"]["/api/v1/service-items"]["get"]


def test_document_is_the_same_on_every_request(client):
    assert (
        client.get("/api/v1/openapi.json").get_json()
        == client.get("/api/v1/openapi.json").get_json()
    )


# --- problems -------------------------------------------------------------------------------------------


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["title"]
    assert body["type"] == "about:blank"
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v1/agencies/1/nothing",
        "/api/v1/service-items/NO-SUCH",
        "/api/v1/agencies/999999",
    ],
)
def test_unknown_api_path_is_a_404_problem(client, path):
    assert_problem(client.get(path), 404)


def test_unknown_page_outside_the_api_is_an_html_404(client):
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_wrong_method_is_a_405_problem(client):
    assert_problem(client.delete("/api/v1/agencies"), 405)


@pytest.mark.parametrize(
    "data",
    ["{bad json", "", "null", "[1, 2]", '"a string"'],
    ids=["malformed", "empty", "null", "array", "string"],
)
def test_a_body_that_is_no_json_object_is_a_422_problem(client, data):
    response = client.post("/api/v1/agencies?lang=en", data=data, content_type="application/json")
    body = assert_problem(response, 422)
    assert "" in body["errors"]
    assert client.get("/api/v1/agencies").get_json()["total"] == 0


def test_malformed_json_on_another_endpoint_is_a_422_problem(client):
    response = client.post("/api/v1/session?lang=en", data="{", content_type="application/json")
    body = assert_problem(response, 422)
    assert body["errors"] == {"": ["The request body must be a JSON object."]}


def test_a_value_of_the_wrong_type_is_named(client):
    response = client.post(
        "/api/v1/agencies?lang=en",
        json=agency_payload(services=[{"service_item": "EIA-REPORT", "commitment_days": "thirty"}]),
    )
    body = assert_problem(response, 422)
    assert body["errors"] == {"services.0.commitment_days": ["Wrong type of value."]}


def test_an_unknown_field_is_named(client):
    body = assert_problem(
        client.post("/api/v1/agencies?lang=en", json=agency_payload(approved=True)), 422
    )
    assert body["errors"] == {"approved": ["Unknown field."]}


def test_forbidden_is_a_403_problem_with_a_reason(client, make):
    login(client, make.enterprise())
    body = assert_problem(client.get("/api/v1/audit?lang=en"), 403)
    assert body["detail"] == "Only regulators and operators read the audit log."


def test_not_logged_in_is_a_401_problem_that_says_how_to_authenticate(client):
    body = assert_problem(client.get("/api/v1/audit?lang=en"), 401)
    assert body["detail"] == "Please log in first."


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("delete", "/api/v1/agencies", {"GET", "POST"}),
        ("put", "/api/v1/session", {"GET", "POST", "DELETE"}),
        ("post", "/api/v1/tasks/ZJM-1/award", {"GET"}),
    ],
)
def test_wrong_method_says_which_methods_are_allowed(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert_problem(response, 405)
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_wrong_method_on_a_page_says_which_methods_are_allowed(client):
    response = client.delete("/tasks")
    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert "GET" in response.headers["Allow"]


# --- a truthful document ---------------------------------------------------------------------------

WRITES = {"post", "put", "patch", "delete"}


def statuses(op) -> set[int]:
    return {int(status) for status in op["responses"]}


def test_no_catch_all_response_hides_what_an_operation_answers(spec):
    for path, method, op in operations(spec):
        assert "default" not in op["responses"], (path, method)
        successes = {s for s in statuses(op) if s < 400}
        assert len(successes) == 1, (path, method)


def test_every_operation_lists_the_errors_it_can_answer(spec):
    for path, method, op in operations(spec):
        found = statuses(op)
        assert 422 in found, (path, method)  # a NUL in any query parameter; a body or rule
        assert (400 in found) == (method in WRITES), (path, method)  # CSRF of a browser session
        assert ({401, 403} <= found) == bool(op.get("security")), (path, method)
        assert (404 in found) == ("{" in path), (path, method)
        assert (413 in found) == ("requestBody" in op), (path, method)
        assert 500 not in found


def test_a_401_says_how_to_authenticate_and_a_429_when_to_try_again(spec):
    for path, _method, op in operations(spec):
        for status, header in (("401", "WWW-Authenticate"), ("429", "Retry-After")):
            if status in op["responses"]:
                assert op["responses"][status]["headers"][header]["required"], (path, status)


def test_logging_in_documents_its_refusal_and_its_rate_limit(spec):
    assert {401, 422, 429} <= statuses(spec["paths"]["/api/v1/session"]["post"])


def test_integer_path_parameters_are_documented_with_their_range(spec):
    params = {
        p["name"]: p["schema"]
        for p in spec["paths"]["/api/v1/agencies/{agency_id}"]["get"]["parameters"]
    }
    assert params["agency_id"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
    (number,) = spec["paths"]["/api/v1/tasks/{number}"]["get"]["parameters"]
    assert number["schema"] == {"type": "string", "minLength": 1, "maxLength": 200}


BINARY = {"type": "string", "format": "binary"}


@pytest.mark.parametrize(
    ("path", "file"),
    [
        ("/api/v1/tasks/{number}/attachments", BINARY),
        (
            "/api/v1/tasks/{number}/bids/mine/attachments",
            {"type": "array", "items": BINARY, "minItems": 1},
        ),
    ],
)
def test_uploads_are_documented_as_multipart_with_binary_files(spec, path, file):
    body = spec["paths"][path]["post"]["requestBody"]
    assert body["required"] is True
    form = body["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["file"] == file
    assert form["required"] == ["file"]


def test_a_bid_file_is_removed_by_its_own_operation(spec):
    removal = spec["paths"]["/api/v1/tasks/{number}/bids/mine/attachments/{sha256}"]["delete"]
    assert set(removal["responses"]) == {"204", "400", "401", "403", "404", "422"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tasks/{number}/attachments/{sha256}",
        "/api/v1/tasks/{number}/bid-attachments/{sha256}",
    ],
)
def test_downloads_are_documented_as_the_files_they_are(spec, path):
    content = spec["paths"][path]["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/pdf", "image/png", "image/jpeg"}


def test_an_organization_is_registered_by_one_of_two_bodies(spec):
    body = spec["paths"]["/api/v1/organizations"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert schema == {
        "anyOf": [
            {"$ref": "#/components/schemas/EnterpriseRegistrationIn"},
            {"$ref": "#/components/schemas/OperatorCreatedIn"},
        ]
    }
    schemas = spec["components"]["schemas"]
    assert schemas["OperatorCreatedIn"]["required"] == ["kind"]
    assert 403 in statuses(spec["paths"]["/api/v1/organizations"]["post"])


def test_required_fields_are_marked_required(spec):
    schemas = spec["components"]["schemas"]
    assert set(schemas["LoginIn"]["required"]) == {"email", "password"}
    assert schemas["TokenIn"]["required"] == ["name"]
    assert set(schemas["CalendarDayIn"]["required"]) == {"day", "is_workday"}
    assert set(schemas["ExclusionIn"]["required"]) == {"agency_id", "ground"}
    assert schemas["ValidityIn"]["required"] == ["accept"]
    assert schemas["MarkIn"]["required"] == ["bid_id"]
    assert {"csrf_token", "user"} <= set(schemas["SessionState"]["required"])


def test_every_json_answer_has_its_schema(spec):
    """Each operation that answers JSON says what it answers."""
    for path, method, op in operations(spec):
        for status, response in op["responses"].items():
            if int(status) < 300 and status != "204":
                assert response.get("content"), (path, method, status)


@pytest.mark.parametrize("upload", [False, True], ids=["json", "upload"])
def test_a_body_beyond_the_size_limit_is_a_413_problem(app, client, monkeypatch, upload):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    if upload:
        files = {"file": (io.BytesIO(b"%PDF-" + b"x" * 2000), "big.pdf")}
        response = client.post("/api/v1/tasks/ZJM-1/attachments", data=files)
    else:
        body = '{"name": "' + "x" * 2000 + '"}'
        response = client.post("/api/v1/agencies", data=body, content_type="application/json")
    assert_problem(response, 413)
