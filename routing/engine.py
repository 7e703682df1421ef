"""The routing decision: first matching rule wins (issue 4, "Routing rules are data").

:func:`decide` is pure: given a :class:`~routing.decision.RoutingRequest` and a
validated :class:`~routing.ruleset.RuleSet` it returns the
:class:`~routing.decision.Decision` of the first rule whose conditions all
hold, with the reason in Portuguese ("categoria tele_tecnologia e texto contém
'botão'"), so the agent sees why the case reached them. The only outside input
is the clock, and only when the request carries no time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, List, Mapping
from zoneinfo import ZoneInfo

from bot import clock
from bot.identifiers import is_valid_cpf
from routing.decision import Decision, RoutingRequest
from routing.nif import is_valid_nif
from routing.ruleset import WEEKDAY_NAMES, Conditions, FoldedText, Rule, RuleSet


def _cpf_ok(value: str) -> bool:
    return is_valid_cpf(value)


# A collected value only counts when it is valid: a NIF with a wrong check digit is still to be collected.
VALIDATORS = {"nif": is_valid_nif, "cpf": _cpf_ok}


def has_field(collected: Mapping[str, Any], name: str) -> bool:
    """Tell whether ``name`` was collected with a usable value.

    Empty values do not count; ``nif`` and ``cpf`` must pass their check digits.

    >>> has_field({"nome": "Ana Sousa", "nif": "123456789"}, "nif")
    True
    >>> has_field({"nif": "123456780"}, "nif")
    False
    >>> has_field({"nome": "  "}, "nome")
    False
    """
    value = collected.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    validator = VALIDATORS.get(name)
    return bool(validator(str(value))) if validator else True


def _moment(now: datetime | None, zone: ZoneInfo) -> datetime:
    if now is None:
        return clock.now().astimezone(zone)
    if now.tzinfo is None:
        # A naive time is read in the rules' time zone.
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


def _join(items: List[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " e " + items[-1]


def _when(moment: datetime) -> str:
    return f"{WEEKDAY_NAMES[moment.weekday()]} {moment:%d/%m %H:%M}"


def match(
    conditions: Conditions, request: RoutingRequest, text: FoldedText, moment: datetime, rules: RuleSet
) -> List[str] | None:
    """Check a rule's conditions against a request.

    Args:
        conditions: The rule's conditions.
        request: The request.
        text: The request text, folded.
        moment: The request time in the rules' time zone.
        rules: The rule set (for the inboxes of time conditions).

    Returns:
        The reasons (one per condition, in Portuguese) when every condition holds, else None.
    """
    reasons: List[str] = []
    if conditions.category is not None:
        if request.category not in conditions.category:
            return None
        reasons.append(f"categoria {request.category}")
    if conditions.channel is not None:
        if request.channel not in conditions.channel:
            return None
        reasons.append(f"canal {request.channel}")
    if conditions.text_matches:
        for keyword in conditions.text_matches:
            found = keyword.regex.search(text.folded)
            if found:
                reasons.append(f"texto contém '{text.original(found.start(), found.end())}'")
                break
        else:
            return None
    if conditions.text_not_matches:
        if any(keyword.regex.search(text.folded) for keyword in conditions.text_not_matches):
            return None
        reasons.append("texto sem os termos excluídos")
    if conditions.collected_present:
        if not all(has_field(request.collected, name) for name in conditions.collected_present):
            return None
        reasons.append(f"{_join(list(conditions.collected_present))} já informado")
    if conditions.collected_absent:
        if any(has_field(request.collected, name) for name in conditions.collected_absent):
            return None
        reasons.append(f"sem {_join(list(conditions.collected_absent))} informado")
    if conditions.within_hours:
        if not rules.inboxes[conditions.within_hours].is_open(moment, rules.timezone):
            return None
        reasons.append(f"dentro do horário de {conditions.within_hours} ({_when(moment)})")
    if conditions.outside_hours:
        if rules.inboxes[conditions.outside_hours].is_open(moment, rules.timezone):
            return None
        reasons.append(f"fora do horário de {conditions.outside_hours} ({_when(moment)})")
    return reasons


def _decision(rule: Rule, reasons: List[str], request: RoutingRequest, rules: RuleSet) -> Decision:
    inbox = rules.inboxes[rule.outcome.inbox]
    cc: List[str] = []
    for item in (*inbox.cc, *rule.outcome.cc):
        address = rules.address(item)
        if address != inbox.address and address not in cc:
            cc.append(address)
    missing = tuple(name for name in rule.outcome.required_fields if not has_field(request.collected, name))
    reason = _join(reasons) if reasons else f"nenhuma regra específica se aplicou à categoria {request.category}"
    if missing == ("nif",) and has_field(request.collected, "cpf"):
        # u18: "falta recolher nif" on a Brazilian client's ticket read as if nothing identified them.
        reason += "; cliente no Brasil: informou o CPF, não tem NIF"
    elif missing:
        reason += f"; falta coletar {_join([m.upper() if m in ('nif', 'cpf') else m for m in missing])}"
    return Decision(
        inbox=inbox.address,
        cc=tuple(cc),
        tier=rule.outcome.tier,
        rule=rule.name,
        reason=reason,
        footer=rule.outcome.footer,
        tips=rule.outcome.tips,
        flags=rule.outcome.flags,
        required_fields=missing,
        confidential=inbox.confidential,
    )


def decide(request: RoutingRequest, rules: RuleSet) -> Decision:
    """Route a request: the first rule whose conditions all hold decides.

    Implements the ordered rules of ``routing/rules.yaml`` (triage procedure 004 for the teleconsultation
    desk; first-instance channels and Ombudsman of source 000). ``Decision.required_fields`` lists the
    fields the rule requires that the request has not supplied with a valid value (for the teleconsultation
    rules, NAME and NIF): the caller collects them before opening the ticket.

    Args:
        request: What the beneficiary asked, the channel, the data collected and the time.
        rules: A rule set from :func:`routing.loader.load_rules` (its last rule has no conditions).

    Returns:
        The decision, naming the rule and the reason.
    """
    moment = _moment(request.now, rules.timezone)
    text = FoldedText.of(request.text or "")
    for rule in rules.rules:
        reasons = match(rule.conditions, request, text, moment, rules)
        if reasons is not None:
            return _decision(rule, reasons, request, rules)
    raise LookupError(f"nenhuma regra se aplicou e {rules.source or 'o conjunto de regras'} não tem regra geral")
