"""Load and validate the routing rules file at start-up (issue 4: "a broken rules file fails at start-up").

The YAML document is *composed* (not just loaded) so that every error names
the file, the line and the reason, in Portuguese, for the operator who edited
it: an unknown inbox, an unknown key, a bad regular expression, a missing
field, a repeated rule name, a rule that can never be reached. Nothing is read
at import; :func:`load_rules` is the factory.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import Any, Dict, List, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.settings import get_settings
from bot.yaml_files import DataFileError, compose, line_of
from routing.ruleset import (
    CHANNELS,
    END_OF_DAY,
    WEEKDAYS,
    WORKED_IN,
    Conditions,
    Inbox,
    Keyword,
    Outcome,
    Rule,
    RuleSet,
    compile_pattern,
)

TOP_KEYS = {"version": False, "timezone": False, "inboxes": True, "rules": True}
INBOX_KEYS = {
    "address": True,
    "description": True,
    "label": False,
    "hours": True,
    "cc": False,
    "confidential": False,
    "closed_on_holidays": False,
    "worked_in": False,
}
RULE_KEYS = {"name": True, "conditions": True, "outcome": True, "description": False}
CONDITION_KEYS = {
    "category": False,
    "channel": False,
    "text_matches": False,
    "text_not_matches": False,
    "collected_present": False,
    "collected_absent": False,
    "within_hours": False,
    "outside_hours": False,
}
OUTCOME_KEYS = {
    "inbox": True,
    "tier": True,
    "cc": False,
    "footer": False,
    "tips": False,
    "flags": False,
    "required_fields": False,
}
SUPPORTED_VERSIONS = {1}

_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class RulesError(DataFileError):
    """The rules file is broken; the message says where and why, in Portuguese (``source``, ``line``, ``reason``)."""


def _in(where: str) -> str:
    """Portuguese "in ..." for a place name: ``na regra 'x'``, ``no arquivo de regras``, ``em conditions ...``."""
    if where.startswith(("regra ", "caixa ")):
        return f"na {where}"
    if where.startswith("o "):
        return f"no {where[2:]}"
    return f"em {where}"


class _Reader:
    """Walks the composed YAML tree, checking shapes and raising :class:`RulesError` with lines."""

    def __init__(self, source: str, loader: yaml.SafeLoader) -> None:
        self.source = source
        self.loader = loader

    def fail(self, node: Node | None, reason: str) -> RulesError:
        return RulesError(self.source, line_of(node), reason)

    def mapping(self, node: Node, where: str, keys: Dict[str, bool] | None) -> Dict[str, Tuple[Node, Node]]:
        """Return ``{key: (key_node, value_node)}``, refusing duplicates, unknown and missing keys.

        ``keys`` maps each allowed key to whether it is required; None allows any key.
        """
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{where} deve ser um mapeamento (chave: valor)")
        found: Dict[str, Tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise self.fail(key_node, f"chave inválida {key!r} {_in(where)}")
            if key in found:
                raise self.fail(key_node, f"chave '{key}' repetida {_in(where)} (já aparece na linha "
                                          f"{line_of(found[key][0])})")
            if keys is not None and key not in keys:
                valid = ", ".join(sorted(keys))
                raise self.fail(key_node, f"chave desconhecida '{key}' {_in(where)}; chaves válidas: {valid}")
            found[key] = (key_node, value_node)
        for key, required in (keys or {}).items():
            if required and key not in found:
                raise self.fail(node, f"falta o campo obrigatório '{key}' {_in(where)}")
        return found

    def scalar(self, node: Node, where: str) -> Any:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, f"{where} deve ser um valor simples, não uma lista ou um mapeamento")
        return self.loader.construct_object(node, deep=True)

    def text(self, node: Node, where: str, *, allow_empty: bool = False) -> str:
        value = self.scalar(node, where)
        if value is None and allow_empty:
            return ""
        if not isinstance(value, str):
            raise self.fail(node, f"{where} deve ser um texto (valor encontrado: {value!r})")
        if not value.strip() and not allow_empty:
            raise self.fail(node, f"{where} não pode ficar vazio")
        return value.strip()

    def identifier(self, node: Node, where: str) -> str:
        value = self.text(node, where)
        if not _IDENTIFIER.match(value):
            raise self.fail(node, f"{where} '{value}' deve ter só letras minúsculas sem acento, dígitos e '_'")
        return value

    def boolean(self, node: Node, where: str) -> bool:
        value = self.scalar(node, where)
        if not isinstance(value, bool):
            raise self.fail(node, f"{where} deve ser true ou false (valor encontrado: {value!r})")
        return value

    def sequence(self, node: Node, where: str) -> List[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{where} deve ser uma lista (por exemplo: [a, b] ou itens com '- ')")
        if not node.value:
            raise self.fail(node, f"{where} não pode ser uma lista vazia")
        return list(node.value)

    def texts(self, node: Node, where: str) -> List[Tuple[str, Node]]:
        return [(self.text(item, f"item de {where}"), item) for item in self.sequence(node, where)]


def _address(reader: _Reader, node: Node, where: str) -> str:
    value = reader.text(node, where)
    if not _ADDRESS.match(value):
        raise reader.fail(node, f"{where} '{value}' não é um endereço de e-mail")
    return value


def _hours(reader: _Reader, node: Node, where: str) -> Dict[int, Tuple[Tuple[time, time], ...]] | None:
    if isinstance(node, ScalarNode):
        if reader.scalar(node, where) == "always":
            return None
        raise reader.fail(node, f"{where} deve ser 'always' ou um horário por dia da semana ({', '.join(WEEKDAYS)})")
    days = reader.mapping(node, where, dict.fromkeys(WEEKDAYS, False))
    if not days:
        raise reader.fail(node, f"{where} não tem nenhum dia; use 'always' para uma caixa sempre aberta")
    hours: Dict[int, Tuple[Tuple[time, time], ...]] = {}
    for day, (_, value_node) in days.items():
        day_where = f"{where}.{day}"
        if isinstance(value_node, ScalarNode) and reader.scalar(value_node, day_where) == "closed":
            hours[WEEKDAYS.index(day)] = ()
            continue
        items = reader.texts(value_node, day_where) if isinstance(value_node, SequenceNode) else [
            (reader.text(value_node, day_where), value_node)
        ]
        intervals = []
        for text, item_node in items:
            intervals.append(_interval(reader, item_node, text, day_where))
        hours[WEEKDAYS.index(day)] = tuple(intervals)
    return hours


def _interval(reader: _Reader, node: Node, text: str, where: str) -> Tuple[time, time]:
    match = _INTERVAL.match(text)
    if not match:
        raise reader.fail(node, f"{where}: horário '{text}' inválido; use HH:MM-HH:MM, por exemplo 08:00-17:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise reader.fail(node, f"{where}: horário '{text}' inválido (hora de 00 a 24, minutos de 00 a 59)")
    start = time(h1, m1)
    end = END_OF_DAY if h2 == 24 else time(h2, m2)
    if end <= start:
        raise reader.fail(node, f"{where}: horário '{text}' termina antes de começar")
    return start, end


def _inbox(reader: _Reader, name: str, node: Node) -> Tuple[Inbox, List[Tuple[str, Node]]]:
    where = f"caixa '{name}'"
    fields = reader.mapping(node, where, INBOX_KEYS)
    cc = reader.texts(fields["cc"][1], f"cc da {where}") if "cc" in fields else []
    inbox = Inbox(
        name=name,
        address=_address(reader, fields["address"][1], f"address da {where}"),
        description=reader.text(fields["description"][1], f"description da {where}"),
        label=reader.text(fields["label"][1], f"label da {where}") if "label" in fields else "",
        confidential=reader.boolean(fields["confidential"][1], f"confidential da {where}")
        if "confidential" in fields
        else False,
        hours=_hours(reader, fields["hours"][1], f"hours da {where}"),
        closed_on_holidays=reader.boolean(fields["closed_on_holidays"][1], f"closed_on_holidays da {where}")
        if "closed_on_holidays" in fields
        else False,
        worked_in=_worked_in(reader, fields["worked_in"][1], where) if "worked_in" in fields else "email",
        line=line_of(node),
    )
    return inbox, cc


def _worked_in(reader: _Reader, node: Node, where: str) -> str:
    value = reader.text(node, f"worked_in da {where}")
    if value not in WORKED_IN:
        raise reader.fail(node, f"worked_in da {where}: '{value}' inválido (aceitos: {', '.join(WORKED_IN)})")
    return value


def _patterns(reader: _Reader, node: Node, where: str) -> Tuple[Keyword, ...]:
    compiled = []
    for source, item in reader.texts(node, where):
        try:
            compiled.append(compile_pattern(source))
        except re.error as error:
            position = f" (posição {error.pos})" if error.pos is not None else ""
            reason = f"expressão regular inválida em {where}: '{source}': {error.msg}{position}"
            raise reader.fail(item, reason) from None
    return tuple(compiled)


def _hours_inbox(reader: _Reader, node: Node, where: str, inboxes: Dict[str, Inbox]) -> str:
    name = reader.text(node, where)
    if name not in inboxes:
        raise reader.fail(node, f"{where} usa a caixa desconhecida '{name}'; caixas: {', '.join(sorted(inboxes))}")
    if inboxes[name].hours is None:
        raise reader.fail(node, f"{where} usa a caixa '{name}', que não tem horário (hours: always)")
    return name


def _conditions(reader: _Reader, node: Node, where: str, inboxes: Dict[str, Inbox]) -> Conditions:
    if isinstance(node, ScalarNode) and reader.scalar(node, where) is None:
        return Conditions()
    fields = reader.mapping(node, where, CONDITION_KEYS)
    values: Dict[str, Any] = {}
    for key in ("category", "channel"):
        if key in fields:
            items = reader.texts(fields[key][1], f"{key} em {where}")
            if key == "channel":
                for value, item in items:
                    if value not in CHANNELS:
                        raise reader.fail(item, f"canal desconhecido '{value}' em {where}; canais: "
                                                f"{', '.join(sorted(CHANNELS))}")
            values[key] = frozenset(value for value, _ in items)
    for key in ("text_matches", "text_not_matches"):
        if key in fields:
            values[key] = _patterns(reader, fields[key][1], f"{key} em {where}")
    for key in ("collected_present", "collected_absent"):
        if key in fields:
            values[key] = tuple(
                reader.identifier(item, f"campo de {key} em {where}") for item in reader.sequence(fields[key][1], key)
            )
    clash = set(values.get("collected_present", ())) & set(values.get("collected_absent", ()))
    if clash:
        raise reader.fail(node, f"{where} exige {', '.join(sorted(clash))} presente e ausente ao mesmo tempo")
    for key in ("within_hours", "outside_hours"):
        if key in fields:
            values[key] = _hours_inbox(reader, fields[key][1], f"{key} em {where}", inboxes)
    if values.get("within_hours") and values.get("within_hours") == values.get("outside_hours"):
        raise reader.fail(node, f"{where} exige estar dentro e fora do horário da mesma caixa")
    return Conditions(**values)


def _cc(reader: _Reader, items: List[Tuple[str, Node]], where: str, inboxes: Dict[str, Inbox]) -> Tuple[str, ...]:
    resolved = []
    for value, item in items:
        if "@" in value:
            resolved.append(_address(reader, item, where))
        elif value in inboxes:
            resolved.append(value)
        else:
            raise reader.fail(item, f"{where} usa a caixa desconhecida '{value}'; caixas: {', '.join(sorted(inboxes))}")
    return tuple(resolved)


def _outcome(reader: _Reader, node: Node, where: str, inboxes: Dict[str, Inbox]) -> Outcome:
    fields = reader.mapping(node, where, OUTCOME_KEYS)
    inbox_node = fields["inbox"][1]
    inbox = reader.text(inbox_node, f"inbox em {where}")
    if inbox not in inboxes:
        known = ", ".join(sorted(inboxes))
        raise reader.fail(inbox_node, f"{where} usa a caixa desconhecida '{inbox}'; caixas: {known}")
    return Outcome(
        inbox=inbox,
        tier=reader.identifier(fields["tier"][1], f"tier em {where}"),
        cc=_cc(reader, reader.texts(fields["cc"][1], f"cc em {where}"), f"cc em {where}", inboxes)
        if "cc" in fields
        else (),
        footer=reader.text(fields["footer"][1], f"footer em {where}") if "footer" in fields else None,
        tips=tuple(t for t, _ in reader.texts(fields["tips"][1], f"tips em {where}")) if "tips" in fields else (),
        flags=tuple(t for t, _ in reader.texts(fields["flags"][1], f"flags em {where}")) if "flags" in fields else (),
        required_fields=tuple(
            reader.identifier(item, f"campo de required_fields em {where}")
            for item in reader.sequence(fields["required_fields"][1], f"required_fields em {where}")
        )
        if "required_fields" in fields
        else (),
    )


def _rules(reader: _Reader, node: Node, inboxes: Dict[str, Inbox]) -> Tuple[Rule, ...]:
    rules: List[Rule] = []
    seen: Dict[str, int] = {}
    for position, item in enumerate(reader.sequence(node, "rules"), start=1):
        fields = reader.mapping(item, f"regra nº {position}", RULE_KEYS)
        name = reader.identifier(fields["name"][1], f"name da regra nº {position}")
        if name in seen:
            raise reader.fail(fields["name"][1], f"nome de regra repetido '{name}' (já usado na linha {seen[name]})")
        seen[name] = line_of(fields["name"][1])
        where = f"regra '{name}'"
        if rules and rules[-1].conditions.empty:
            raise reader.fail(
                item,
                f"a {where} nunca seria usada: a regra '{rules[-1].name}' (linha {rules[-1].line}) não tem condições "
                "e apanha tudo; a regra geral tem de ser a última",
            )
        rules.append(
            Rule(
                name=name,
                description=reader.text(fields["description"][1], f"description da {where}")
                if "description" in fields
                else "",
                conditions=_conditions(reader, fields["conditions"][1], f"conditions da {where}", inboxes),
                outcome=_outcome(reader, fields["outcome"][1], f"outcome da {where}", inboxes),
                line=line_of(item),
            )
        )
    if not rules[-1].conditions.empty:
        raise reader.fail(
            node.value[-1],
            f"a última regra ('{rules[-1].name}') tem de ser a regra geral, sem condições (conditions: {{}}), "
            "para que todo pedido tenha um destino",
        )
    return tuple(rules)


def parse_rules(text: str, *, source: str = "<texto>", timezone: str = "America/Sao_Paulo") -> RuleSet:
    """Validate a rules document and build the :class:`RuleSet`.

    Args:
        text: The YAML document.
        source: Name used in error messages (the file path).
        timezone: Time zone when the document gives none.

    Returns:
        The validated rule set.

    Raises:
        RulesError: With the line and the reason, in Portuguese.
    """
    loader = yaml.SafeLoader(text)
    try:
        root = compose(loader, source, RulesError)
        reader = _Reader(source, loader)
        if root is None:
            raise RulesError(source, None, "o arquivo de regras está vazio")
        top = reader.mapping(root, "o arquivo de regras", TOP_KEYS)
        if "version" in top:
            version = reader.scalar(top["version"][1], "version")
            if version not in SUPPORTED_VERSIONS:
                raise reader.fail(top["version"][1], f"versão {version!r} não suportada; use version: 1")
        zone_name = reader.text(top["timezone"][1], "timezone") if "timezone" in top else timezone
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise reader.fail(top["timezone"][1] if "timezone" in top else None,
                              f"fuso horário desconhecido '{zone_name}'") from None
        inbox_nodes = reader.mapping(top["inboxes"][1], "inboxes", None)
        if not inbox_nodes:
            raise reader.fail(top["inboxes"][1], "inboxes não tem nenhuma caixa")
        inboxes: Dict[str, Inbox] = {}
        pending_cc: Dict[str, List[Tuple[str, Node]]] = {}
        for name, (key_node, value_node) in inbox_nodes.items():
            reader.identifier(key_node, "o nome da caixa")
            inboxes[name], pending_cc[name] = _inbox(reader, name, value_node)
        for name, items in pending_cc.items():
            cc = _cc(reader, items, f"cc da caixa '{name}'", inboxes)
            inboxes[name] = replace(inboxes[name], cc=cc)
        rules = _rules(reader, top["rules"][1], inboxes)
        return RuleSet(inboxes=inboxes, rules=rules, timezone=zone, source=source)
    finally:
        loader.dispose()


def load_rules(path: str | Path | None = None, settings: Any = None) -> RuleSet:
    """Read and validate the routing rules file; call it at start-up.

    Args:
        path: The YAML file; by default ``settings.routing_rules_path`` (``routing/rules.yaml``,
            or ``ATENDE_ROUTING_RULES``).
        settings: A :class:`bot.settings.Settings`; the process-wide one when omitted.

    Returns:
        The validated :class:`RuleSet`.

    Raises:
        RulesError: The file is missing, unreadable or invalid (message with file, line and reason).
    """
    if settings is None:
        settings = get_settings()
    target = Path(path) if path is not None else Path(settings.routing_rules_path)
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(str(target), None, "arquivo de regras não encontrado") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RulesError(str(target), None, f"não foi possível ler o arquivo de regras: {error}") from None
    return parse_rules(text, source=str(target), timezone=settings.timezone)
