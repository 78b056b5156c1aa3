"""The OpenAPI schema tells the truth about errors (`rayport.api.openapi`): every operation
lists the statuses it can answer with, all in the one error envelope."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from rayport.api.app import create_app
from rayport.api.openapi import extra_statuses
from tests.conftest import make_settings
from tests.helpers import error_code

ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    app = create_app(
        make_settings(database_url="postgresql+asyncpg://nobody@127.0.0.1/unused"),
        bootstrap=False,
        web_dist=None,
    )
    return app.openapi()


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_every_error_is_the_envelope_and_every_ref_resolves(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    assert "HTTPValidationError" not in components  # FastAPI's 422 body: never sent
    assert components["ErrorEnvelope"]["required"] == ["error"]
    assert components["ErrorBody"]["required"] == ["code", "message", "details"]
    for method, path, operation in operations(schema):
        responses = operation["responses"]
        assert "500" in responses, (method, path)
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                body = response["content"]["application/json"]["schema"]
                assert body == {"$ref": ENVELOPE_REF}, (method, path, status)
    for ref in set(refs(schema)):
        assert ref.removeprefix("#/components/schemas/") in components, ref


def test_statuses_follow_what_the_route_depends_on(schema: dict[str, Any]) -> None:
    def statuses(method: str, path: str) -> set[str]:
        return set(schema["paths"][path][method]["responses"])

    assert statuses("get", "/api/app/v1/health") == {"200", "500"}  # no limit, no database
    assert statuses("get", "/api/app/v1/status") == {"200", "429", "500"}  # outages in body
    me = statuses("get", "/api/auth/v1/me")
    assert {"401", "429", "503"} <= me and not {"403", "404", "422"} & me
    assert {"401", "403", "422"} <= statuses("get", "/api/admin/v1/users")
    assert {"401", "403", "404", "409", "502", "503"} <= statuses(
        "post", "/api/admin/v1/requests/{request_id}/apply"
    )
    assert {"400", "403", "409", "413", "422"} <= statuses("post", "/api/auth/v1/register")
    subscription = statuses("get", "/sub/{sub_token}")
    assert {"404", "422", "502", "503"} <= subscription and "401" not in subscription
    limited = schema["paths"]["/api/auth/v1/me"]["get"]["responses"]
    assert limited["429"]["headers"]["Retry-After"]["required"] is True
    assert limited["401"]["headers"]["WWW-Authenticate"]["required"] is True


def test_the_hand_kept_statuses_name_real_operations(schema: dict[str, Any]) -> None:
    known = {(method, path) for method, path, _ in operations(schema)}
    assert set(extra_statuses()) <= known


async def test_documented_401_and_422_are_what_the_api_sends(api: httpx.AsyncClient) -> None:
    anonymous = await api.get("/api/auth/v1/me")
    assert anonymous.status_code == 401 and error_code(anonymous) == "not_authenticated"
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    invalid = await api.post("/api/auth/v1/login", json={})
    assert invalid.status_code == 422 and error_code(invalid) == "validation_error"


async def test_an_undecodable_body_is_a_documented_400(
    api: httpx.AsyncClient, schema: dict[str, Any]
) -> None:
    response = await api.post(
        "/api/auth/v1/forgot-password",
        content=b"\xff\xfe{",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400 and error_code(response) == "bad_request"
    assert "400" in schema["paths"]["/api/auth/v1/forgot-password"]["post"]["responses"]


async def test_the_login_rule_in_the_schema_is_the_one_applied(
    api: httpx.AsyncClient, schema: dict[str, Any]
) -> None:
    login = schema["components"]["schemas"]["RegisterIn"]["properties"]["login"]
    assert (login["minLength"], login["maxLength"]) == (6, 20)
    for candidate in ("alice_01", "b" * 20, "c" * 21, "1alice", "al", "alice-01"):
        documented = re.fullmatch(login["pattern"], candidate) is not None
        response = await api.post(
            "/api/auth/v1/register", json={"login": candidate, "password": "Correct-Horse-9"}
        )
        assert response.status_code == (201 if documented else 422), candidate
