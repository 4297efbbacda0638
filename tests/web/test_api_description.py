"""The API's OpenAPI description (GET /api/openapi.json) is a valid OpenAPI 3.1 document, names
every /api route, and says what the endpoint really does: each answer of real requests, accepted
or refused, has a documented status and a body of the documented shape, and the documented body
schema accepts exactly the bodies the endpoint accepts."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from engine import clock
from engine.commands.partners import save_partner
from engine.config import Settings
from engine.partners import inbox, refusals, signing
from webapp.api import MAX_BODY
from webapp.api_description import document, request_body_schema

KEY = "khoa-bi-mat-dung-chung-giua-A-va-B-0123456789"
BODY = json.dumps({"message": "xin_xac_nhan", "correlation": "000.31.21.H56-261123-0042", "payload": {}}).encode()
# PostgreSQL refuses the NUL character in a text column: refused as a bad body, never a 500.
NUL_BODY = json.dumps({"message": "xin\u0000", "correlation": "000.31.21.H56-261123-0042"}).encode()


pytestmark = pytest.mark.usefixtures("no_blocked_senders")


@pytest.fixture
def described(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def endpoint(app, demo):
    save_partner(demo.motcua.uow(), actor_id=demo.users["admin"], code="A", name="UBND xã Tân Phong",
                 endpoint="http://127.0.0.1:9/api/partner/messages", our_code="B", key=KEY, agency_id=demo.commune)

    def post(headers, *, body=BODY, address="203.0.113.9"):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client.post("/api/partner/messages", data=body, headers=headers)
    return post


def signed(key="k-1", body=BODY, *, age=0):
    timestamp = str(int(clock.now().timestamp()) - age)
    return signing.signed_headers(our_code="A", key=KEY, timestamp=timestamp, idempotency_key=key, body=body)


def assert_as_described(described, response):
    """The answer's status is one the description lists, and its body has that status's shape."""
    answers = described["paths"]["/api/partner/messages"]["post"]["responses"]
    status = str(response.status_code)
    assert status in answers, f"status {status} is not described"
    schema = answers[status]["content"]["application/json"]["schema"]
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(response.get_json())
    for header in answers[status].get("headers", {}):
        assert response.headers.get(header), f"{header} is described but not sent"


def test_the_description_is_valid_openapi_and_names_every_api_route(app, described):
    validate(described)
    routes = {(rule.rule, method.lower()) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, operations in described["paths"].items() for method in operations}
    assert routes == documented
    assert described == json.loads(json.dumps(document(MAX_BODY)))  # the same document, whatever serves it


def test_every_answer_of_the_endpoint_is_as_described(described, demo, endpoint):
    answers = {
        "accepted": endpoint(signed("k-1")),
        "repeated": endpoint(signed("k-1")),
        "replay": endpoint(signed("k-1", body=BODY + b" "), body=BODY + b" "),
        "bad body": endpoint(signed("k-2", body=b"[]"), body=b"[]"),
        "bad headers": endpoint(signed("k-3") | {signing.TIMESTAMP: "soon"}),
        "unknown partner": endpoint(signed("k-4") | {signing.PARTNER: "Z"}),
        "bad signature": endpoint(signed("k-5") | {signing.SIGNATURE: "0" * 64}),
        "too large": endpoint(signed("k-6"), body=b"{" + b" " * MAX_BODY + b"}"),
        "stale": endpoint(signed("k-7", age=3600)),
        "NUL in the message": endpoint(signed("k-9", body=NUL_BODY), body=NUL_BODY),
    }
    for i in range(refusals.LIMIT):
        endpoint(signed(f"k-bad-{i}") | {signing.SIGNATURE: "1" * 64}, address="198.51.100.4")
    answers["rate limited"] = endpoint(signed("k-8"), address="198.51.100.4")
    assert {name: (answer.status_code, answer.get_json().get("error")) for name, answer in answers.items()} == {
        "accepted": (200, None), "repeated": (200, None), "replay": (409, "replay"), "bad body": (400, "bad_body"),
        "bad headers": (400, "bad_headers"), "unknown partner": (401, "unknown_partner"),
        "bad signature": (401, "bad_signature"), "too large": (413, "too_large"), "stale": (401, "stale_timestamp"),
        "rate limited": (429, "rate_limited"), "NUL in the message": (400, "bad_body")}
    for name, answer in answers.items():
        assert_as_described(described, answer)


def test_without_a_database_the_api_answers_503_in_the_described_shape():
    from webapp import create_app
    # Nothing listens on port 9 of this machine: every connection is refused at once.
    app = create_app(Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:9/none"),
                     {"TESTING": True, "SECRET_KEY": "test"})
    try:
        client = app.test_client()
        described = client.get("/api/openapi.json").get_json()
        answer = client.post("/api/partner/messages", data=BODY, headers=signed())
        assert answer.status_code == 503 and answer.get_json() == {"accepted": False, "error": "unavailable"}
        assert_as_described(described, answer)
    finally:
        app.extensions["motcua"].dispose()


_TEXT = st.text(max_size=130) | st.just("xin\x00") | st.just("a" * 120 + "\x00")
_VALUES = st.none() | st.booleans() | st.integers() | _TEXT | st.lists(st.integers(), max_size=2) \
    | st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)
_BODIES = st.fixed_dictionaries({}, optional={"message": _VALUES | _TEXT, "correlation": _VALUES | st.text(max_size=90),
                                              "payload": _VALUES, "other": _VALUES}) | _VALUES


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_BODIES)
def test_the_described_body_schema_accepts_exactly_what_the_endpoint_accepts(body):
    accepted = inbox._parse(json.dumps(body).encode()) is not None
    assert Draft202012Validator(request_body_schema()).is_valid(body) == accepted, body
