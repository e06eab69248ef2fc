"""The OpenAPI schema builds cleanly: no drf-spectacular warning, valid, naming the public API."""

from __future__ import annotations

import yaml
from django.core.management import call_command


def test_schema_generates_without_warnings_and_lists_the_main_paths(tmp_path):
    path = tmp_path / "schema.yaml"

    # --fail-on-warn turns any warning (e.g. two components with one name) into an error.
    call_command("spectacular", "--file", str(path), "--validate", "--fail-on-warn")

    schema = yaml.safe_load(path.read_text())
    paths = schema["paths"]
    assert "/v1/{sid}/callback/profiles" in paths
    assert "/v1/{sid}/messages" in paths
    assert "/v1/{sid}/receive-sms/configurations" in paths
    assert "post" in paths["/v1/{sid}/callback/profiles/{profile_id}/test"]


def test_schema_describes_the_envelope_and_every_error_code(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(path))
    schema = yaml.safe_load(path.read_text())

    send = schema["paths"]["/v1/{sid}/messages"]["post"]
    accepted = send["responses"]["202"]["content"]["application/json"]["schema"]
    assert set(accepted["required"]) == {"code", "message", "data", "error", "status"}
    assert accepted["properties"]["data"] == {"$ref": "#/components/schemas/SendMessagesOutput"}
    for code in ("400", "401", "413", "415", "422", "429"):
        error = send["responses"][code]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ErrorEnvelope"}
    assert "Idempotency-Key" in [p["name"] for p in send["parameters"]]

    listing = schema["paths"]["/v1/{sid}/callback/profiles"]["get"]
    data = listing["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    assert data["data"] == {"$ref": "#/components/schemas/ProfilePage"}
    assert {p["name"] for p in listing["parameters"]} >= {"limit", "offset", "title", "status"}
    limit = next(p for p in listing["parameters"] if p["name"] == "limit")
    assert limit["in"] == "query"
