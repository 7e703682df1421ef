"""Who can be a dependant, by age (Art. 22 of the regulation)."""

from __future__ import annotations

# Art. 22, II: a child or stepchild is a direct dependant "até que complete 23 anos e 11 meses e 29 dias", that is,
# until the day before turning 24.
CHILD_DEPENDANT_AGE_LIMIT = 24


def child_is_direct_dependant(age: int) -> bool:
    """Whether a child or stepchild of this age (in whole years) can be a direct dependant (Art. 22, II, §3º).

    Older, they may join as a special dependant, with a boleto of their own (Art. 23).

    >>> child_is_direct_dependant(23), child_is_direct_dependant(24), child_is_direct_dependant(0)
    (True, False, True)
    """
    return 0 <= age < CHILD_DEPENDANT_AGE_LIMIT
