"""Two hot spots of the Rasa 3.6 server, made cheap without changing what they check.

Measured with py-spy on the running server (docs/benchmarks.md):

* ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which
  checks the schema itself against the meta-schema and builds a new validator
  on every custom action; that took about 65 % of the server's CPU. Here the
  schema is checked once and one validator is reused: the action server's
  replies are validated exactly as before.
* ``Event.resolve_by_type`` walks every subclass of ``Event`` for each event of
  each tracker it deserialises; the answer for a type name never changes once
  found, so it is remembered.
* A turn cost grew with the conversation (about 0.5 ms per message already in
  it): each message reads back every event of the session from the tracker store
  and the rule policy featurises all of them. Once a session holds
  :data:`MAX_SESSION_EVENTS` events and the bot is waiting for the user (no form
  open, not paused for an agent), a new session starts that carries every slot
  over, identification included — what Rasa itself does when a session expires,
  only sooner. The store then reads, and the policies see, only the new session.

:func:`apply` is called by :mod:`bot.server` before Rasa starts; nothing here
runs at import.
"""

from __future__ import annotations

from typing import Any, Dict, Type

# The Rasa release these patches were written and measured against; another one must be re-checked first.
RASA_VERSION = "3.6.21"
# Events in one session before a new one starts (a menu turn is about 8 to 12 events).
MAX_SESSION_EVENTS = 150

_applied = False


class RasaChangedError(SystemExit):
    """Raised at start-up when Rasa is not the release the speed-ups were written for."""


def check_rasa() -> None:
    """Refuse to start when the patched Rasa internals are not what the patches expect.

    Raises:
        RasaChangedError: With a message saying what changed and what to do.
    """
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    problems = []
    if rasa.__version__ != RASA_VERSION:
        problems.append(f"Rasa {rasa.__version__} instalado, bot/speedups.py foi escrito para {RASA_VERSION}")
    if not callable(getattr(RemoteAction, "_validate_action_result", None)):
        problems.append("RemoteAction._validate_action_result não existe mais")
    if not callable(getattr(RemoteAction, "action_response_format_spec", None)):
        problems.append("RemoteAction.action_response_format_spec não existe mais")
    if not callable(getattr(Event, "resolve_by_type", None)):
        problems.append("Event.resolve_by_type não existe mais")
    from rasa.core.processor import MessageProcessor

    if not callable(getattr(MessageProcessor, "save_tracker", None)):
        problems.append("MessageProcessor.save_tracker não existe mais")
    if problems:
        raise RasaChangedError(
            "bot/speedups.py não pode ser aplicado: " + "; ".join(problems)
            + ". Revise os ajustes (tests/bot/test_speedups.py) ou inicie com ATENDE_RASA_PLAIN=1."
        )


def _patch_action_validation() -> None:
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
        # jsonschema.validate raises the best match among all errors; so does this, with Rasa's own text.
        error = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response from the Action "
                f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    RemoteAction._validate_action_result = _validate_action_result


def _patch_event_types() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: Dict[str, Type[Event]] = {}

    def resolve_by_type(type_name: str, default: Type[Event] | None = None) -> Type[Event] | None:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            # Only real matches are remembered: a default or None depends on the call.
            if cls is not None and getattr(cls, "type_name", None) == type_name:
                found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)


def compact_session(tracker: Any) -> bool:
    """Start a new session carrying every slot over, when the current one is long and the bot waits for the user.

    Returns:
        Whether a new session was started.
    """
    from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet

    if (
        len(tracker.events) < MAX_SESSION_EVENTS
        or tracker.is_paused()
        or tracker.active_loop_name
        or tracker.latest_action_name != ACTION_LISTEN_NAME
    ):
        return False
    carried = [SlotSet(name, slot.value) for name, slot in tracker.slots.items() if slot.value != slot.initial_value]
    tracker.update_with_events(
        [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), *carried, ActionExecuted(ACTION_LISTEN_NAME)],
        None,
    )
    return True


def _patch_session_length() -> None:
    from rasa.core.processor import MessageProcessor

    save_tracker = MessageProcessor.save_tracker

    async def save_compacted(self: Any, tracker: Any) -> None:
        compact_session(tracker)
        await save_tracker(self, tracker)

    MessageProcessor.save_tracker = save_compacted


def apply() -> None:
    """Install the speed-ups (idempotent), after checking Rasa is the release they were written for."""
    global _applied
    if _applied:
        return
    check_rasa()
    _patch_action_validation()
    _patch_event_types()
    _patch_session_length()
    _applied = True
