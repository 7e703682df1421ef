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

:func:`apply` is called by :mod:`bot.server` before Rasa starts; nothing here
runs at import.
"""

from __future__ import annotations

from typing import Any, Dict, Type

_applied = False


def _patch_action_validation() -> None:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response from the Action "
                f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise
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


def apply() -> None:
    """Install both speed-ups (idempotent)."""
    global _applied
    if _applied:
        return
    _patch_action_validation()
    _patch_event_types()
    _applied = True
