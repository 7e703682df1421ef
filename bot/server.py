"""Start the Rasa server (``python -m bot.server run ...``) with :mod:`bot.speedups` applied.

Arguments are those of the ``rasa`` command; scripts/serve.sh uses it for ``rasa run``. The HTTP API token
comes from ``ATENDE_RASA_TOKEN`` rather than ``--auth-token``, so ``ps`` does not show it.
"""

from __future__ import annotations

import os
import sys
from typing import List


def with_token(argv: List[str], token: str) -> List[str]:
    """Add ``--auth-token`` to a ``rasa run`` command line that has none.

    >>> with_token(["rasa", "run", "--enable-api"], "s3")
    ['rasa', 'run', '--enable-api', '--auth-token', 's3']
    >>> with_token(["rasa", "run", "--auth-token", "x"], "s3")
    ['rasa', 'run', '--auth-token', 'x']
    >>> with_token(["rasa", "run"], "")
    ['rasa', 'run']
    """
    if not token or "--auth-token" in argv or "run" not in argv[1:2]:
        return argv
    return [*argv, "--auth-token", token]


def main() -> None:
    """Mask personal data in logs, apply the speed-ups, then hand over to Rasa's own command line."""
    from bot import logmask
    from bot.settings import SettingsError, get_settings
    from bot.speedups import apply

    logmask.install()
    try:
        # Read once here, so a malformed variable stops the start with its name rather than at the first message.
        get_settings()
    except SettingsError as error:
        raise SystemExit(f"Configuração inválida: {error}") from None
    apply()
    from rasa.__main__ import main as rasa_main

    # Only this process's copy of argv changes; /proc/<pid>/cmdline keeps the original, token-free one.
    sys.argv = with_token(["rasa", *sys.argv[1:]], os.environ.get("ATENDE_RASA_TOKEN", ""))
    rasa_main()


if __name__ == "__main__":
    main()
