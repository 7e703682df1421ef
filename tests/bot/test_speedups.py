"""The speed-ups keep Rasa's checks: bad action-server replies are still refused."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError

from bot import speedups


@pytest.fixture(scope="module", autouse=True)
def applied():
    speedups.apply()


def test_valid_action_reply_passes():
    from rasa.core.actions.action import RemoteAction

    reply = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "oi"}]}
    assert RemoteAction("action_x", None)._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", [{"events": "not a list"}, {"responses": [1]}, {"events": [{"no_event_key": 1}]}])
def test_malformed_action_reply_is_refused_with_rasa_message(reply):
    from rasa.core.actions.action import RemoteAction

    with pytest.raises(ValidationError) as raised:
        RemoteAction("action_x", None)._validate_action_result(reply)
    assert "Failed to validate Action server response" in raised.value.message


def test_event_types_resolve_as_before():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("nonexistent", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        Event.resolve_by_type("nonexistent")
