"""Schemathesis over every operation of the OpenAPI schema, as each of four callers.

Every example runs all of Schemathesis' checks (no server errors, status codes, content
types, headers and bodies as documented, invalid data rejected, valid data accepted,
authentication enforced, ...). A failure is a bug in the API or in its schema.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import Case, HookContext

from rayport.api.app import create_app
from tests.api.test_access_matrix import MATRIX
from tests.conftest import make_settings
from tests.fuzz.conftest import FUZZ_APP, FUZZ_EXAMPLES, FUZZ_SEED, FuzzWorld

# Operations whose 401 answers the credentials in the request body or a header of its own,
# not the caller's access token.
CREDENTIAL_CHECKS = {
    "POST /api/auth/v1/login",
    "POST /api/auth/v1/refresh",
    "POST /api/auth/v1/login/social/telegram",
    "POST /api/auth/v1/account/socials/telegram",
    "POST /api/telegram/webhook",
}
# Operations that end the caller's own session when they succeed: the caller logs in again.
SESSION_ENDERS = {"POST /api/auth/v1/logout"}
# Our callers in the access matrix of record (tests/api/test_access_matrix.py).
MATRIX_ROLES = {
    "anonymous": "anonymous",
    "user": "verified",
    "admin": "admin",
    "superuser": "superuser",
}


def _document() -> dict[str, Any]:
    """The schema as the app serves it (no database needed to build it)."""
    app = create_app(
        make_settings(database_url="postgresql+asyncpg://fuzz@127.0.0.1/unused"),
        bootstrap=False,
        web_dist=None,
    )
    return app.openapi()


# Rules a JSON schema cannot state (one field or another, one value against another or
# against the stored settings, e-mail domains): a request valid by the schema may still be
# a 422 there. Every other operation must accept what its schema accepts.
SEMANTIC_422 = {
    # e-mail addresses on special-use domains (.test, .local, ...) are refused
    "POST /api/auth/v1/register",
    "PATCH /api/auth/v1/account/profile",
    # `from` must be before `to`
    "GET /api/admin/v1/audit",
    # days, hours or both
    "POST /api/admin/v1/configs/{config_id}/time/add",
    "POST /api/admin/v1/configs/{config_id}/time/remove",
    # total_gb, limit_ip or both; a user's request also within the service maxima
    "POST /api/admin/v1/configs/{config_id}/limits",
    "POST /api/backend/v1/client/configs/{config_id}/update-limits",
    # the base traffic and devices within the maxima, after merging with the stored values
    "PATCH /api/app/v1/settings",
    # a title and a content in at least one language (blank once trimmed counts as none)
    "POST /api/admin/v1/news",
    "PATCH /api/admin/v1/news/{news_id}",
}
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # Schemathesis' default


def _config(*, security_parameters: bool) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": FUZZ_SEED,
            "generation": {
                "max-examples": FUZZ_EXAMPLES,
                "deterministic": True,
                "database": "none",
                # Unknown query parameters, headers and cookies are ignored, as by any HTTP
                # API (OpenAPI does not forbid them); with this on, Schemathesis would count
                # them as invalid input that must be refused. (Unknown body fields are
                # refused: every body model forbids extras, and tests/api checks it.)
                "allow-extra-parameters": False,
                # Callers with a token send it themselves: generated (or removed)
                # Authorization headers would replace it. The anonymous caller gets
                # generated ones; the `ignored_auth` check still probes every protected
                # operation without and with a wrong token.
                "with-security-parameters": security_parameters,
            },
            "operations": [
                {
                    "include-name": sorted(SEMANTIC_422),
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}
                    },
                }
            ],
        }
    )


DOCUMENT = _document()
anonymous = schemathesis.openapi.from_dict(DOCUMENT, config=_config(security_parameters=True))
authenticated = schemathesis.openapi.from_dict(DOCUMENT, config=_config(security_parameters=False))
for _schema in (anonymous, authenticated):
    _schema.app = FUZZ_APP  # requests, and the checks' own probes, go to the app in process

# The world is built by a fixture; the hooks (which run while Hypothesis generates, before
# the test body) read it from here.
_WORLD: dict[str, FuzzWorld] = {}


@pytest.fixture(autouse=True)
def _share_world(fuzz_world: FuzzWorld) -> None:
    _WORLD["world"] = fuzz_world


def flatmap_case(context: HookContext, case: Case) -> st.SearchStrategy[Case]:
    """Valid cases sometimes name a real object in their path parameters."""
    world = _WORLD.get("world")
    names = [name for name in (case.path_parameters or {}) if world and name in world.pools]
    if world is None or not names or case.meta is None or not case.meta.generation.mode.is_positive:
        return st.just(case)

    generated = {name: case.path_parameters[name] for name in names}

    def pick(values: tuple[str | None, ...]) -> Case:
        for name, value in zip(names, values, strict=True):  # None: keep the generated one
            case.path_parameters[name] = generated[name] if value is None else value
        return case

    return st.tuples(*(st.sampled_from([None, *world.pools[name]]) for name in names)).map(pick)


def filter_case(context: HookContext, case: Case) -> bool:
    """Never act on the fuzzing accounts or their sessions (they would be ended)."""
    world = _WORLD.get("world")
    if world is None or not case.path_parameters:
        return True
    return not world.protected().intersection(map(str, case.path_parameters.values()))


for _schema in (anonymous, authenticated):
    _schema.hook(flatmap_case)
    _schema.hook(filter_case)


def _run(case: Case, world: FuzzWorld, role: str) -> None:
    headers = world.headers(role)
    response = case.call_and_validate(session=world.client, headers=headers)
    label = case.operation.label
    # The coverage phase also sends requests without (or with a broken) Authorization
    # header; only the caller's own token must always be accepted.
    sent = response.request.headers.get("Authorization")
    own_token = sent == headers.get("Authorization")
    if headers and own_token and response.status_code == 401:
        assert label in CREDENTIAL_CHECKS, f"{role}'s valid access token was refused by {label}"
    # Roles are honoured: what the access matrix refuses a caller never succeeds, whatever
    # the input. (Schemathesis checks authentication, not authorisation.)
    method = case.operation.method.upper()
    rule = MATRIX.get((method, case.operation.path))
    assert rule is not None, f"{label} has no rule in the access matrix"
    # (The coverage phase also sends methods the path does not have: those are 405s.)
    refused = rule.expect[MATRIX_ROLES[role]] in (401, 403) and case.method.upper() == method
    if own_token and refused:
        assert not 200 <= response.status_code < 300, f"{label} let the {role} in"
    if label in SESSION_ENDERS and response.status_code < 300 and role != "anonymous":
        world.relogin(role)


@anonymous.parametrize()
def test_anonymous(case: Case, fuzz_world: FuzzWorld) -> None:
    _run(case, fuzz_world, "anonymous")


@authenticated.parametrize()
def test_user(case: Case, fuzz_world: FuzzWorld) -> None:
    _run(case, fuzz_world, "user")


@authenticated.parametrize()
def test_admin(case: Case, fuzz_world: FuzzWorld) -> None:
    _run(case, fuzz_world, "admin")


@authenticated.parametrize()
def test_superuser(case: Case, fuzz_world: FuzzWorld) -> None:
    _run(case, fuzz_world, "superuser")


def test_the_callers_are_who_they_were_after_the_run(fuzz_world: FuzzWorld) -> None:
    """Runs after the fuzzing tests: every caller still holds a live token with its role
    (a caller demoted, deactivated or logged out for good would have fuzzed less)."""
    expected = {"user": "user", "admin": "admin", "superuser": "superuser"}
    for role, name in expected.items():
        me = fuzz_world.client.get("/api/auth/v1/me", headers=fuzz_world.headers(role))
        assert me.status_code == 200, (role, me.text)
        assert (me.json()["role"], me.json()["status"], me.json()["login"]) == (
            name,
            "verified",
            fuzz_world.accounts[role].login,
        )
    assert fuzz_world.headers("anonymous") == {}
