"""Rasa's lock store, chosen from :class:`bot.settings.Settings`: Redis when ``REDIS_URL`` is set.

A conversation's messages must be handled one at a time. One Rasa process does that with its in-memory locks;
several replicas behind a load balancer need Rasa's own Redis lock store, so that two messages of one sender
arriving at two replicas never interleave (docs/escala.md).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from bot.settings import get_settings

# Rasa's lock keys live under this prefix, apart from the channels' de-duplication keys.
KEY_PREFIX = "atende"


def redis_options(url: str) -> dict[str, Any]:
    """Rasa's RedisLockStore arguments for a ``redis://`` or ``rediss://`` URL.

    >>> redis_options("redis://:s3nha@10.0.0.5:6380/2") == {
    ...     "host": "10.0.0.5", "port": 6380, "db": 2, "username": None, "password": "s3nha", "use_ssl": False}
    True
    >>> redis_options("rediss://cache")["use_ssl"], redis_options("redis://cache")["port"]
    (True, 6379)
    """
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"REDIS_URL={url!r}: esperado redis://[:senha@]host[:porta][/banco]")
    return {
        "host": parts.hostname or "localhost",
        "port": parts.port or 6379,
        "db": int(parts.path.lstrip("/") or 0),
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_ssl": parts.scheme == "rediss",
    }


class AtendeLockStore:
    """Factory Rasa calls for ``lock_store: type: bot.lock_store.AtendeLockStore`` (endpoints.yml)."""

    def __new__(cls, endpoint_config: Any = None, **_: Any) -> Any:  # noqa: D102
        from rasa.core.lock_store import InMemoryLockStore, RedisLockStore

        url = get_settings().redis_url
        if not url:
            return InMemoryLockStore()
        return RedisLockStore(**redis_options(url), key_prefix=KEY_PREFIX)
