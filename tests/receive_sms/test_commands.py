"""Contracts 2 and 3: provision_vmn and simulate_incoming_sms print one JSON object."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from receive_sms.models import VMN, IncomingMessage

from .conftest import ALICE_VMN


def run(*args) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_provision_vmn_prints_the_number(alice):
    assert run("provision_vmn", "--sid", alice.sid, "--number", "+91 98700 12345") == {
        "number": ALICE_VMN
    }
    assert VMN.objects.get().account == alice.account


def test_provision_vmn_rejects_unknown_sid_bad_number_and_taken_number(alice, charlie, alice_vmn):
    with pytest.raises(CommandError, match="No account with SID HXNOPE"):
        run("provision_vmn", "--sid", "HXNOPE", "--number", "+919870000001")
    with pytest.raises(CommandError, match="must be an E.164 number"):
        run("provision_vmn", "--sid", alice.sid, "--number", "12ab")
    with pytest.raises(CommandError, match="already assigned"):
        run("provision_vmn", "--sid", charlie.sid, "--number", ALICE_VMN)
    assert VMN.objects.count() == 1


def test_simulate_incoming_sms_prints_id_and_matched(alice, alice_vmn, make_configuration):
    make_configuration(alice, alice_vmn, keyword="STOP")

    matched = run("simulate_incoming_sms", "--to", ALICE_VMN, "--from", "+919812345678",
                  "--message", "stop now", "--operator", "JIO", "--circle", "JIO ASSAM")
    unmatched = run("simulate_incoming_sms", "--to", ALICE_VMN, "--from", "+919812345678",
                    "--message", "hello")

    assert set(matched) == {"id", "matched"} and matched["matched"] is True
    assert unmatched["matched"] is False
    stored = IncomingMessage.objects.get(public_id=matched["id"])
    assert (stored.keyword, stored.operator, stored.circle) == ("STOP", "JIO", "JIO ASSAM")


def test_simulate_incoming_sms_explains_an_unknown_number(alice, alice_vmn):
    with pytest.raises(CommandError, match="no account has this number"):
        run("simulate_incoming_sms", "--to", "+14155552671", "--from", "+919812345678", "--message", "x")
    with pytest.raises(CommandError, match="--from must NOT be empty"):
        run("simulate_incoming_sms", "--to", ALICE_VMN, "--from", " ", "--message", "x")
