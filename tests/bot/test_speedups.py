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


@pytest.mark.parametrize("reply", [{"events": [{"event": 3}], "responses": "x"}, {"events": [1, {"a": 2}]}])
def test_same_error_as_stock_rasa(reply):
    """The error raised is jsonschema's best match, as Rasa's own jsonschema.validate() raises."""
    from jsonschema import ValidationError as StockError
    from jsonschema import validate
    from rasa.core.actions.action import RemoteAction

    with pytest.raises(StockError) as stock:
        validate(reply, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError) as ours:
        RemoteAction("action_x", None)._validate_action_result(reply)
    assert ours.value.message.startswith(stock.value.message)
    assert list(ours.value.path) == list(stock.value.path)


def test_start_up_refuses_another_rasa_release(monkeypatch):
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(speedups.RasaChangedError) as refused:
        speedups.check_rasa()
    assert "Rasa 3.7.0 instalado" in str(refused.value) and "ATENDE_RASA_PLAIN=1" in str(refused.value)


def test_start_up_refuses_when_the_patched_method_is_gone(monkeypatch):
    from rasa.core.actions.action import RemoteAction

    monkeypatch.delattr(RemoteAction, "_validate_action_result")
    with pytest.raises(speedups.RasaChangedError) as refused:
        speedups.check_rasa()
    assert "_validate_action_result não existe mais" in str(refused.value)


async def test_remote_action_run_still_calls_the_patched_validator(monkeypatch):
    """If RemoteAction.run stopped calling _validate_action_result, the speed-up would silently do nothing."""
    from aiohttp import web
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    async def webhook(_):
        return web.json_response({"events": [], "responses": [{"text": "oi"}]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    calls = []
    patched = RemoteAction._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result",
                        lambda self, result: calls.append(result) or patched(self, result))
    try:
        action = RemoteAction("action_x", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        domain = Domain.empty()
        events = await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}),
                                  DialogueStateTracker("s", []), domain)
    finally:
        await runner.cleanup()
    assert calls == [{"events": [], "responses": [{"text": "oi"}]}]
    assert [e.text for e in events] == ["oi"]


def _tracker_with_turns(turns: int, **slots):
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.slots import AnySlot
    from rasa.shared.core.trackers import DialogueStateTracker

    slot_defs = [AnySlot(name, mappings=[{}]) for name in ("identificado", "beneficiario_id", "identidade", "paginas")]
    tracker = DialogueStateTracker("whatsapp:+5531999990000", slot_defs)
    events = [ActionExecuted("action_listen")] + [SlotSet(k, v) for k, v in slots.items()]
    for n in range(turns):
        events += [UserUttered("3", {"name": "numero_cartao"}), ActionExecuted("action_numero_cartao"),
                   BotUttered(f"resposta {n}"), ActionExecuted("action_listen")]
    tracker.update_with_events(events, None)
    return tracker


def test_a_long_session_restarts_with_every_slot_carried_over():
    identity = {"identificado": True, "beneficiario_id": "7", "identidade": "ab" * 32, "paginas": ["p2"]}
    tracker = _tracker_with_turns(speedups.MAX_SESSION_EVENTS // 4 + 1, **identity)
    assert speedups.compact_session(tracker)
    names = [e.type_name for e in tracker.events]
    assert names[-len(identity) - 3:-len(identity) - 1] == ["action", "session_started"]
    assert tracker.latest_action_name == "action_listen"
    assert {name: tracker.get_slot(name) for name in identity} == identity


def test_a_short_session_is_left_alone():
    tracker = _tracker_with_turns(3, identificado=True)
    before = len(tracker.events)
    assert not speedups.compact_session(tracker) and len(tracker.events) == before


def test_a_conversation_paused_for_an_agent_is_not_restarted():
    from rasa.shared.core.events import ActionExecuted, ConversationPaused

    tracker = _tracker_with_turns(speedups.MAX_SESSION_EVENTS // 4 + 1, identificado=True)
    tracker.update_with_events([ConversationPaused(), ActionExecuted("action_listen")], None)
    assert not speedups.compact_session(tracker)
    assert tracker.is_paused()


def test_a_form_in_progress_is_not_cut():
    from rasa.shared.core.events import ActiveLoop

    tracker = _tracker_with_turns(speedups.MAX_SESSION_EVENTS // 4 + 1)
    tracker.update_with_events([ActiveLoop("identificacao_form")], None)
    assert not speedups.compact_session(tracker)


def test_rasa_still_saves_every_turn_through_save_tracker():
    """If handle_message stopped calling save_tracker, long sessions would silently grow again."""
    import inspect

    from rasa.core.processor import MessageProcessor

    assert "await self.save_tracker(tracker)" in inspect.getsource(MessageProcessor.handle_message)
    assert MessageProcessor.save_tracker.__name__ == "save_compacted"
