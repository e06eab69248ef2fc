"""Every page is served with a Content-Security-Policy that allows this origin's own scripts,
styles and images only, and the templates need nothing more: no inline script, style or event
handler (the browser tests run every page's JavaScript under the policy)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import Client

from tests.browser.product_pages import product_pages, seed_every_page

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script without src
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),  # onclick=, onsubmit=...
    re.compile(r"javascript:", re.I),
]


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def test_every_page_has_the_policy(alice):
    client = Client()
    client.force_login(alice.user)
    pages = [*product_pages(seed_every_page(alice)), ("login", "/login/"),
             ("admin", "/admin/login/")]

    for name, path in pages:
        response = client.get(path)
        policy = directives(response.headers.get("Content-Security-Policy", ""))
        assert policy.get("script-src") == ["'self'"], (name, policy)
        assert policy.get("style-src") == ["'self'"], (name, policy)
        assert policy.get("default-src") == ["'self'"] and policy.get("object-src") == ["'none'"]
        assert policy.get("frame-ancestors") == ["'none'"], name


def test_the_templates_hold_no_inline_script_style_or_handler():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for pattern in INLINE
        for match in pattern.finditer(path.read_text())
    ]
    assert found == []


def test_the_api_docs_load_their_script_from_a_file(db):
    docs = Client().get("/v1/docs")
    assert docs.status_code == 200
    assert "'unsafe-inline'" not in directives(docs.headers["Content-Security-Policy"])[
        "script-src"]
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", docs.content.decode()) is None
