"""Start the Rasa server (``python -m bot.server run ...``) with :mod:`bot.speedups` applied.

Arguments are those of the ``rasa`` command; scripts/serve.sh uses it for ``rasa run``.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Apply the speed-ups, then hand over to Rasa's own command line."""
    from bot.speedups import apply

    apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
