"""The OpenAPI document as client generators read it (issue: a typed client from the spec)."""

import re

import pytest
from django.test import Client

from core.openapi import VERBS


@pytest.fixture(scope="module")
def spec():
    from config.api import api

    return api.get_openapi_schema()


def operations(spec):
    for path, ops in spec["paths"].items():
        for method, operation in ops.items():
            yield path, method, operation


def test_the_document_is_served_and_its_title_is_ascii(db):
    document = Client().get("/api/v1/openapi.json").json()
    assert document["info"]["title"].isascii()
    assert "专业技术人员继续教育管理平台" in document["info"]["description"]


def test_operation_ids_are_unique_verbs_without_module_names(spec):
    ids = [op["operationId"] for _p, _m, op in operations(spec)]
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", operation_id), operation_id
        assert operation_id.split("_")[0] in VERBS | {"get", "post", "put", "patch", "delete"}
        assert "api" not in operation_id.split("_"), operation_id
    by_path = {(p, m): op["operationId"] for p, m, op in operations(spec)}
    assert by_path[("/api/v1/me/progress", "get")] == "get_my_progress"
    assert by_path[("/api/v1/platform/completions", "post")] == "post_platform_completions"
    assert by_path[("/api/v1/auth/token", "post")] == "obtain_token"


def test_a_token_request_documents_its_401(spec):
    assert 401 in spec["paths"]["/api/v1/auth/token"]["post"]["responses"]


def test_every_operation_documents_its_error_answers_in_the_error_format(spec):
    error = spec["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"] and set(error["properties"]) == {"detail", "errors"}
    for path, method, operation in operations(spec):
        answers = operation["responses"]
        expected = {422, 500}
        if operation.get("security"):
            expected |= {401, 403}
        if "{" in path:
            expected.add(404)
        if method != "get":
            expected |= {409, 429}
        assert expected <= set(answers), (method, path, sorted(answers))
        for code in expected:
            schema = answers[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)


def test_file_answers_name_their_content_type(spec):
    files = {
        "/api/v1/filings/plans/template/{year}": {"spreadsheetml"},
        "/api/v1/filings/plans/{plan_id}/export": {"wordprocessingml", "spreadsheetml", "pdf"},
        "/api/v1/filings/platforms/{filing_id}/export": {"wordprocessingml", "pdf"},
        "/api/v1/declarations/{declaration_id}/evidence/{evidence_id}": {"pdf", "jpeg", "png"},
        "/api/v1/me/record/{year}.pdf": {"pdf"},
        "/api/v1/persons/{person_id}/record.pdf": {"pdf"},
        "/api/v1/notices/{notice_id}/attachments/{attachment_id}": {
            "pdf",
            "wordprocessingml",
            "spreadsheetml",
        },
    }
    for path, kinds in files.items():
        content = spec["paths"][path]["get"]["responses"][200]["content"]
        assert all(any(k in media for media in content) for k in kinds), (path, list(content))
        assert all(c["schema"] == {"type": "string", "format": "binary"} for c in content.values())


def _property(spec, schema, name):
    return spec["components"]["schemas"][schema]["properties"][name]


def test_choice_fields_list_their_values(spec):
    assert _property(spec, "DeclarationIn", "category")["enum"] == ["public", "professional"]
    assert "self_study" in _property(spec, "DeclarationIn", "method")["enum"]
    assert _property(spec, "ReviewIn", "decision")["enum"] == ["approve", "reject", "return"]
    assert "not_recognised" in _property(spec, "HourRecordOut", "state")["enum"]
    assert set(_property(spec, "QueueItem", "level")["enum"]) == {"unit", "authority"}
    assert "accepted" in _property(spec, "PlanOut", "state")["enum"]
    assert _property(spec, "CompletionIn", "category")["enum"] == ["public", "professional"]


def test_a_platform_item_names_its_required_fields(spec):
    required = spec["components"]["schemas"]["CompletionIn"]["required"]
    assert set(required) == {
        "external_id",
        "id_number",
        "name",
        "course",
        "category",
        "hours",
        "completed_on",
    }


def test_the_queue_filters_offer_exactly_the_models_choices(spec):
    from policy.models import Category, Method

    parameters = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/reviews"]["get"]["parameters"]}
    assert set(parameters["method"]["enum"]) == {"", *Method.values}
    assert set(parameters["category"]["enum"]) == {"", *Category.values}
