"""The REST channel's gate (bot/channels/rest.py): off unless enabled, loopback or token, bounded body."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict

import pytest

from bot.channels.rest import RestInput
from bot.settings import Settings


@dataclass
class Request:
    ip: str = "127.0.0.1"
    headers: Dict[str, str] = field(default_factory=dict)
    body: bytes = b"{}"


def refusal(settings: Settings, request: Request):
    answer = RestInput(settings)._refusal(request)
    return None if answer is None else (answer.status, json.loads(answer.body)["erro"])


def test_off_unless_enabled():
    assert refusal(Settings(rest_enabled=False), Request()) == (404, "canal REST desativado (ATENDE_REST_ENABLED)")


@pytest.mark.parametrize("ip", ["127.0.0.1", "127.0.0.9", "::1"])
def test_loopback_callers_are_answered_without_a_token(ip):
    assert refusal(Settings(rest_enabled=True, rest_token=""), Request(ip=ip)) is None


@pytest.mark.parametrize("ip", ["10.0.0.7", "192.168.1.20", "203.0.113.5", "", "desconhecido"])
def test_other_callers_are_refused_without_a_token(ip):
    status, reason = refusal(Settings(rest_enabled=True, rest_token=""), Request(ip=ip))
    assert status == 403 and "ATENDE_REST_TOKEN" in reason


@pytest.mark.parametrize(
    ("header", "allowed"),
    [("Bearer s3gredo", True), ("Bearer errado", False), ("", False), ("s3gredo", True), ("Basic s3gredo", False)],
)
def test_with_a_token_everyone_needs_it_even_on_loopback(header, allowed):
    headers = {"Authorization": header} if header else {}
    answer = refusal(Settings(rest_enabled=True, rest_token="s3gredo"), Request(ip="127.0.0.1", headers=headers))
    assert (answer is None) == allowed
    if not allowed:
        assert answer == (403, "token ausente ou inválido")


def test_body_over_64_kib_is_a_413():
    request = Request(body=b"x" * (64 * 1024 + 1))
    assert refusal(Settings(rest_enabled=True), request)[0] == 413
    assert refusal(Settings(rest_enabled=True), Request(body=b"x" * (64 * 1024))) is None
