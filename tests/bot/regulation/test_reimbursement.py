import datetime as dt

import pytest

from bot.regulation.reimbursement import (
    OPME_REQUIRED_DATA,
    PAYMENT_DEADLINE_DAYS,
    REIMBURSEMENT_CONDITIONS,
    REQUIRED_DOCUMENTS,
    missing_documents,
    payment_deadline,
)

D = dt.date


def test_constants_follow_art71_and_art72():
    assert list(REQUIRED_DOCUMENTS) == ["I", "II", "III", "IV", "V"]
    assert "formulário" in REQUIRED_DOCUMENTS["I"]
    assert "Relatório do médico assistente" in REQUIRED_DOCUMENTS["II"]
    assert "Conta hospitalar" in REQUIRED_DOCUMENTS["III"]
    assert "honorários" in REQUIRED_DOCUMENTS["IV"]
    assert "exames complementares" in REQUIRED_DOCUMENTS["V"]
    assert OPME_REQUIRED_DATA == ("marca", "modelo", "fabricante", "registro ANVISA")
    joined = " ".join(REIMBURSEMENT_CONDITIONS)
    assert "urgência e emergência" in joined
    assert "tabela própria ou de alto custo" in joined
    assert "área de abrangência" in joined
    assert PAYMENT_DEADLINE_DAYS == 30


def test_missing_documents():
    assert list(missing_documents([" i", "II "])) == ["III", "IV", "V"]
    assert missing_documents(REQUIRED_DOCUMENTS) == {}
    assert list(missing_documents([])) == ["I", "II", "III", "IV", "V"]


def test_no_deadline_without_complete_documents():
    assert payment_deadline(None) is None


def test_deadline_is_30_calendar_days_after_complete_documents():
    # 05/03/2026 + 30 days: 26 days to 31/03, + 4 -> 04/04/2026 (a Saturday: the text has no business-day rule).
    assert payment_deadline(D(2026, 3, 5)) == D(2026, 4, 4)


def test_deadline_is_suspended_while_complementary_documents_are_pending():
    # Asked on 10/03, delivered on 20/03: 10 days of suspension, 04/04 + 10 -> 14/04/2026.
    assert payment_deadline(D(2026, 3, 5), [(D(2026, 3, 10), D(2026, 3, 20))]) == D(2026, 4, 14)
    # Still pending: the deadline has no date yet.
    assert payment_deadline(D(2026, 3, 5), [(D(2026, 3, 10), None)]) is None
    # Two requests, 10 + 5 days: 04/04 + 15 -> 19/04/2026.
    two = [(D(2026, 3, 10), D(2026, 3, 20)), (D(2026, 3, 25), D(2026, 3, 30))]
    assert payment_deadline(D(2026, 3, 5), two) == D(2026, 4, 19)
    # Delivered the day it was asked: no suspension.
    assert payment_deadline(D(2026, 3, 5), [(D(2026, 3, 10), D(2026, 3, 10))]) == D(2026, 4, 4)


def test_deadline_refuses_inconsistent_suspensions():
    with pytest.raises(ValueError, match=r"^a complementary request cannot precede the complete documentation$"):
        payment_deadline(D(2026, 3, 5), [(D(2026, 3, 1), D(2026, 3, 6))])
    with pytest.raises(ValueError, match=r"^a complementary request cannot precede the complete documentation$"):
        payment_deadline(D(2026, 3, 5), [(D(2026, 3, 4), D(2026, 3, 6))])
    with pytest.raises(ValueError, match=r"^documents cannot be delivered before they are requested$"):
        payment_deadline(D(2026, 3, 5), [(D(2026, 3, 10), D(2026, 3, 9))])


def test_complementary_request_on_the_day_the_documents_were_completed_art72():
    # Art. 72 §2: the operator may ask for more on the very day the documents of items I-V are complete;
    # 05/03 to 12/03 is 7 days of suspension: 04/04 + 7 -> 11/04/2026.
    assert payment_deadline(D(2026, 3, 5), [(D(2026, 3, 5), D(2026, 3, 12))]) == D(2026, 4, 11)
