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
