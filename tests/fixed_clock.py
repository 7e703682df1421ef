"""The instant the whole suite runs at (``ATENDE_NOW``), set by ``tests/conftest.py``.

A Wednesday at 10:00 in São Paulo: a business day, inside the attendants'
hours. Tests about other moments set their own clock; none reads the wall
clock, so the suite gives the same result at 03:00 on a Sunday (the
``faketime`` runs of ``scripts/test.sh`` check it).
"""

from datetime import date

FIXED_NOW = "2026-12-02T10:00:00-03:00"
TODAY = date(2026, 12, 2)
