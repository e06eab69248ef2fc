"""Which configuration an incoming SMS matches (rule in receive_sms/matching.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from receive_sms.matching import match_configuration
from receive_sms.models import ReceiveConfiguration


def test_first_word_picks_the_keyword_case_insensitively(alice, alice_vmn, make_configuration):
    stop = make_configuration(alice, alice_vmn, keyword="stop")
    make_configuration(alice, alice_vmn, keyword="")

    assert stop.keyword == "STOP"
    assert match_configuration(vmn=alice_vmn, message="Stop testing message") == stop
    assert match_configuration(vmn=alice_vmn, message="  STOP") == stop


def test_other_messages_go_to_the_default_configuration(alice, alice_vmn, make_configuration):
    make_configuration(alice, alice_vmn, keyword="STOP")
    default = make_configuration(alice, alice_vmn, keyword="")

    assert match_configuration(vmn=alice_vmn, message="STOPPED the thing") == default
    assert match_configuration(vmn=alice_vmn, message="hello STOP") == default
    assert match_configuration(vmn=alice_vmn, message="") == default


def test_without_a_default_configuration_nothing_matches(alice, alice_vmn, make_configuration):
    make_configuration(alice, alice_vmn, keyword="STOP")

    assert match_configuration(vmn=alice_vmn, message="JOIN now") is None


def test_inactive_or_expired_keyword_falls_through_to_default(
    alice, alice_vmn, make_configuration
):
    stop = make_configuration(alice, alice_vmn, keyword="STOP", active=False)
    offer = make_configuration(alice, alice_vmn, keyword="OFFER",
                               expires_at=timezone.now() + timedelta(hours=1))
    default = make_configuration(alice, alice_vmn, keyword="")
    ReceiveConfiguration.objects.filter(pk=offer.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert match_configuration(vmn=alice_vmn, message="STOP") == default
    assert match_configuration(vmn=alice_vmn, message="OFFER please") == default
    assert stop.pk != default.pk


def test_a_configuration_left_without_any_action_does_not_swallow_its_keyword(
    alice, alice_vmn, make_configuration
):
    # Saved before a configuration with no action was refused: it must not take messages away
    # from the default configuration (whose Incoming SMS callback would be lost).
    silent = make_configuration(alice, alice_vmn, keyword="PROMOTWO")
    ReceiveConfiguration.objects.filter(pk=silent.pk).update(trigger_url=False, actions=[])
    default = make_configuration(alice, alice_vmn, keyword="")

    assert match_configuration(vmn=alice_vmn, message="promotwo hello") == default


def test_an_inactive_default_configuration_matches_nothing(alice, alice_vmn, make_configuration):
    make_configuration(alice, alice_vmn, keyword="", active=False)

    assert match_configuration(vmn=alice_vmn, message="anything") is None


def test_configurations_of_another_number_never_match(
    alice, charlie, alice_vmn, charlie_vmn, make_configuration
):
    make_configuration(charlie, charlie_vmn, keyword="")

    assert match_configuration(vmn=alice_vmn, message="STOP") is None
