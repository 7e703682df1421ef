"""Deterministic synthetic population for demos, development and tests: the builder.

The data it draws from (names, plans, procedures, the demo family's identifiers) is in
:mod:`bot.db.demo_data`; every rule of the regulation comes from :mod:`bot.regulation`.

Nobody here is a real person: names are drawn from lists of common Brazilian
first names and surnames, CPFs are random numbers with valid check digits, and
e-mails use the reserved ``example.com`` domain. Prices, co-payment rates and
the registrations of plans other than Clássico Apartamento are fictional; the
age-band proportions (Art. 40), due day (Art. 31-32), late fees (Art. 44),
reimbursement deadline (Art. 72) and co-payment exemptions (Art. 82-83) follow
the plan regulation. Procedure codes are illustrative TUSS-style codes.

Family 1 is always the same documented demo family (the ``DEMO_*`` constants
of :mod:`bot.db.demo_data`), with hand-written requests covering every status.
"""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot import clock

# The demo family's identifiers are read as seed.DEMO_* by the tests and the README's examples.
from bot.db.demo_data import (  # noqa: F401 - re-exported
    AMOUNT_RANGES,
    AREA_CODES,
    AUTHORIZATION_PROCEDURES,
    COPAY_RULES,
    DEFAULT_SEED,
    DEMO_DAUGHTER_BIRTH_DATE,
    DEMO_DAUGHTER_CARD,
    DEMO_DAUGHTER_CPF,
    DEMO_DAUGHTER_NAME,
    DEMO_FAMILY_NUMBER,
    DEMO_PLAN_CODE,
    DEMO_SPOUSE_BIRTH_DATE,
    DEMO_SPOUSE_CARD,
    DEMO_SPOUSE_CPF,
    DEMO_SPOUSE_NAME,
    DEMO_TITULAR_BIRTH_DATE,
    DEMO_TITULAR_CARD,
    DEMO_TITULAR_CPF,
    DEMO_TITULAR_NAME,
    DENIAL_REASONS_AUTHORIZATION,
    DENIAL_REASONS_REIMBURSEMENT,
    EXEMPT_REASONS,
    FEMALE_NAMES,
    MALE_NAMES,
    PENDING_DOCUMENTS,
    PLANS,
    PROCEDURES,
    PROVIDERS,
    PSYCHIATRIC_COPAY_RATE,
    PSYCHIATRIC_EXEMPT_REASON,
    REIMBURSEMENT_SERVICES,
    SURNAMES,
)
from bot.db.models import (
    COPAY_EXEMPT_CATEGORIES,
    Authorization,
    Beneficiary,
    IdentificationGuard,
    Invoice,
    Plan,
    PlanAgeBand,
    Reimbursement,
    TaxStatement,
    Ticket,
    UtilizationEvent,
)
from bot.db.session import session_scope
from bot.identifiers import cpf_check_digits, make_card_number, make_digitable_line
from bot.regulation import finance, pricing
from bot.regulation.money import to_cents
from bot.regulation.pricing import age_on

CENTS = Decimal("0.01")


def _money(value: Decimal | int) -> Decimal:
    return to_cents(value)


def age_band_prices(base_price: Decimal) -> list[tuple[int, int | None, Decimal]]:
    """The ten age-band prices of a plan from its first band (Arts. 40-41, :func:`pricing.price_table`).

    Returns:
        ``(min_age, max_age, price)`` per band; ``max_age`` is None for 59+.
    """
    return [(band.min_age, band.max_age, price) for band, price in pricing.price_table(base_price)]


def billing_age(birth_date: date, competence: date) -> int:
    """Age that prices a competence (Art. 40, :func:`pricing.billing_age`); 0 for a baby born in that month."""
    if birth_date >= competence:
        return 0
    return pricing.billing_age(birth_date, competence.year, competence.month)


def band_price(plan: Plan, age: int) -> Decimal:
    """Return the plan's monthly price for an age.

    Args:
        plan: Plan with its age bands loaded.
        age: Age in years.

    Returns:
        The price of the band containing ``age``.
    """
    for band in plan.age_bands:
        if band.min_age <= age and (band.max_age is None or age <= band.max_age):
            return Decimal(band.price)
    raise ValueError(f"plan {plan.code} has no band for age {age}")


def due_date_for(competence: date) -> date:
    """Last day to pay a competence without charges: day 15 (Art. 31), or the next banking day (Art. 32).

    Weekends, national and Minas Gerais holidays and Carnival move it, as :func:`finance.effective_due_date` does.
    """
    return finance.effective_due_date(finance.invoice_due_date(competence.year, competence.month))


def late_payment_total(amount: Decimal, due: date, paid_on: date) -> Decimal:
    """Amount paid on ``paid_on`` with the charges of Art. 44 §1 (:func:`finance.late_charges`)."""
    return finance.late_charges(amount, due, paid_on).total


def copay_for(category: str, amount_total: Decimal, hospitalization_day: int | None = None):
    """Co-payment and exemption reason of one utilization event under the demo rates.

    Args:
        category: Utilization category.
        amount_total: Billed amount.
        hospitalization_day: Day of a psychiatric stay, if any.

    Returns:
        ``(copay_amount, exempt_reason or None)``.
    """
    if category in COPAY_EXEMPT_CATEGORIES:
        return Decimal("0.00"), EXEMPT_REASONS[category]
    if category == "internacao_psiquiatrica":
        if hospitalization_day is not None and hospitalization_day <= 30:
            return Decimal("0.00"), PSYCHIATRIC_EXEMPT_REASON
        return _money(amount_total * PSYCHIATRIC_COPAY_RATE), None
    rate, cap = COPAY_RULES.get(category, COPAY_RULES["outro"])
    return min(_money(amount_total * rate), cap), None


def generate_cpf(rng: random.Random, taken: set[str]) -> str:
    """Draw a fresh valid CPF.

    Args:
        rng: Random source (seeded for determinism).
        taken: CPFs already used; the new one is added to it.

    Returns:
        An 11-digit CPF with correct check digits, not in ``taken``.
    """
    while True:
        base = f"{rng.randrange(10**8, 10**9):09d}"
        cpf = base + cpf_check_digits(base)
        if len(set(cpf)) > 1 and cpf not in taken:
            taken.add(cpf)
            return cpf


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year + years, day=28)


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class _Counters:
    reimbursement: int = 100000
    authorization: int = 200000
    guide: int = 0

    def reimbursement_protocol(self, day: date) -> str:
        self.reimbursement += 1
        return f"417505{day:%Y%m%d}{self.reimbursement:06d}"

    def authorization_protocol(self, day: date) -> str:
        self.authorization += 1
        return f"417505{day:%Y%m%d}{self.authorization:06d}"

    def guide_number(self, day: date) -> str:
        self.guide += 1
        return f"{day:%Y}{self.guide:07d}"


class _Builder:
    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.counters = _Counters()
        self.cpfs: set[str] = {DEMO_TITULAR_CPF, DEMO_SPOUSE_CPF, DEMO_DAUGHTER_CPF}
        self.plans: dict[str, Plan] = {}
        self.beneficiaries: list[Beneficiary] = []
        self.rows: list[object] = []
        self.payroll_families: set[str] = set()
        self.overdue_families: dict[str, int] = {}

    # -- plans ------------------------------------------------------------------------------

    def build_plans(self) -> None:
        for code, name, registration, accommodation, coverage, base, active in PLANS:
            plan = Plan(
                code=code,
                name=name,
                ans_registration=registration,
                accommodation=accommodation,
                coverage=coverage,
                base_price=base,
                active=active,
            )
            plan.age_bands = [
                PlanAgeBand(min_age=lo, max_age=hi, price=price) for lo, hi, price in age_band_prices(base)
            ]
            self.plans[code] = plan

    # -- people -----------------------------------------------------------------------------

    def person(self, family: int, sequence: int, **attributes) -> Beneficiary:
        beneficiary = Beneficiary(card_number=make_card_number(family, sequence), **attributes)
        self.beneficiaries.append(beneficiary)
        return beneficiary

    def demo_family(self) -> list[Beneficiary]:
        plan = self.plans[DEMO_PLAN_CODE]
        maria = self.person(
            DEMO_FAMILY_NUMBER,
            0,
            cpf=DEMO_TITULAR_CPF,
            name=DEMO_TITULAR_NAME,
            birth_date=DEMO_TITULAR_BIRTH_DATE,
            kind="titular",
            relationship="titular",
            plan=plan,
            adhesion_date=date(2015, 2, 1),
            status="ativo",
            email="maria.souza@example.com",
            phone="31900000001",
        )
        jose = self.person(
            DEMO_FAMILY_NUMBER,
            1,
            cpf=DEMO_SPOUSE_CPF,
            name=DEMO_SPOUSE_NAME,
            birth_date=DEMO_SPOUSE_BIRTH_DATE,
            kind="dependente_direto",
            relationship="conjuge",
            titular=maria,
            plan=plan,
            adhesion_date=date(2015, 2, 1),
            status="ativo",
            email="jose.souza@example.com",
            phone="31900000002",
        )
        ana = self.person(
            DEMO_FAMILY_NUMBER,
            2,
            cpf=DEMO_DAUGHTER_CPF,
            name=DEMO_DAUGHTER_NAME,
            birth_date=DEMO_DAUGHTER_BIRTH_DATE,
            kind="dependente_direto",
            relationship="filha",
            titular=maria,
            guardian_name=DEMO_TITULAR_NAME,
            guardian_cpf=DEMO_TITULAR_CPF,
            plan=plan,
            adhesion_date=date(2015, 2, 1),
            status="ativo",
        )
        return [maria, jose, ana]

    def _name(self, female: bool, surname: str | None = None) -> str:
        first = self.rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        middle = self.rng.choice(SURNAMES)
        last = surname or self.rng.choice(SURNAMES)
        if middle == last:
            return f"{first} {last}"
        return f"{first} {middle} {last}"

    def _birth(self, min_age: int, max_age: int) -> date:
        latest = _add_years(self.today, -min_age)
        span = 365 * (max_age - min_age) + 300
        return latest - timedelta(days=self.rng.randrange(0, span))

    def _contact(self, name: str, family: int) -> tuple[str, str]:
        parts = _ascii(name).split()
        email = f"{parts[0]}.{parts[-1]}{family}@example.com"
        phone = f"{self.rng.choice(AREA_CODES)}9{self.rng.randrange(10**7, 10**8)}"
        return email, phone

    def random_family(self, family: int) -> list[Beneficiary]:
        rng = self.rng
        plan = self.plans[rng.choices(("CLASSICO-APTO", "CLASSICO-ENF", "ESSENCIAL-ENF"), (5, 3, 2))[0]]
        female = rng.random() < 0.5
        surname = rng.choice(SURNAMES)
        titular_name = self._name(female, surname)
        titular_birth = self._birth(30, 82)
        adhesion = max(_add_years(titular_birth, 25), self.today - timedelta(days=365 * 20))
        adhesion = (adhesion + timedelta(days=rng.randrange(0, 365 * 8))).replace(day=1)
        if adhesion > self.today - timedelta(days=400):
            adhesion = _month_start(self.today, 14 + rng.randrange(0, 30))
        email, phone = self._contact(titular_name, family)
        titular = self.person(
            family,
            0,
            cpf=generate_cpf(rng, self.cpfs),
            name=titular_name,
            birth_date=titular_birth,
            kind="titular",
            relationship="titular",
            plan=plan,
            adhesion_date=adhesion,
            status="suspenso" if rng.random() < 0.03 else "ativo",
            email=email,
            phone=phone,
        )
        members = [titular]
        titular_age = age_on(titular_birth, self.today)
        sequence = 1

        def add(name, birth, kind, relationship, **extra):
            nonlocal sequence
            minor = age_on(birth, self.today) < 18
            has_cpf = not (age_on(birth, self.today) < 12 and rng.random() < 0.3)
            member_email, member_phone = self._contact(name, family) if not minor else (None, None)
            member = self.person(
                family,
                sequence,
                cpf=generate_cpf(rng, self.cpfs) if has_cpf or kind == "dependente_especial" else None,
                name=name,
                birth_date=birth,
                kind=kind,
                relationship=relationship,
                titular=titular,
                guardian_name=titular.name if minor else None,
                guardian_cpf=titular.cpf if minor else None,
                plan=plan,
                adhesion_date=max(adhesion, birth),
                status="cancelado" if rng.random() < 0.03 else "ativo",
                email=member_email if rng.random() < 0.6 else None,
                phone=member_phone if rng.random() < 0.6 else None,
                **extra,
            )
            sequence += 1
            members.append(member)

        if rng.random() < 0.65 and len(members) < 5:
            spouse_birth = titular_birth + timedelta(days=rng.randrange(-8 * 365, 6 * 365))
            spouse_birth = min(spouse_birth, _add_years(self.today, -22))
            add(self._name(not female, surname), spouse_birth, "dependente_direto", "conjuge")
        for _ in range(rng.choice((0, 0, 1, 1, 2, 2, 3))):
            if len(members) >= 5:
                break
            parent_age_at_birth = rng.randrange(22, 42)
            child_birth = _add_years(titular_birth, parent_age_at_birth) + timedelta(
                days=rng.randrange(0, 365)
            )
            if child_birth > self.today - timedelta(days=60):
                continue
            daughter = rng.random() < 0.5
            relationship = "filha" if daughter else "filho"
            if rng.random() < 0.1:
                relationship = "enteada" if daughter else "enteado"
            # Art. 22, II: children stay direct dependants until 24; older ones can only be special.
            kind = "dependente_direto" if age_on(child_birth, self.today) < 24 else "dependente_especial"
            add(self._name(daughter, surname), child_birth, kind, relationship)
        if titular_age < 62 and len(members) < 5 and rng.random() < 0.2:
            mother = rng.random() < 0.6
            parent_birth = _add_years(titular_birth, -rng.randrange(20, 34))
            add(self._name(mother), parent_birth, "dependente_especial", "mae" if mother else "pai")
        if titular_age >= 62 and len(members) < 5 and rng.random() < 0.15:
            grandchild_birth = self._birth(2, 16)
            daughter = rng.random() < 0.5
            add(self._name(daughter), grandchild_birth, "dependente_especial", "neta" if daughter else "neto")
        return members

    # -- requests ---------------------------------------------------------------------------

    def reimbursement(self, person: Beneficiary, status: str, requested: date, **overrides) -> None:
        rng = self.rng
        service = requested - timedelta(days=rng.randrange(1, 20))
        requested_amount = overrides.pop("amount_requested", _money(Decimal(rng.randrange(18000, 260000)) / 100))
        values = {
            "protocol": self.counters.reimbursement_protocol(requested),
            "beneficiary": person,
            "requested_on": requested,
            "service_date": service,
            "service_description": rng.choice(REIMBURSEMENT_SERVICES),
            "status": status,
            "amount_requested": requested_amount,
            "documents_complete_on": None if status == "pendente_documentos" else requested,
        }
        if status == "pendente_documentos":
            values["pending_documents"] = "; ".join(rng.sample(PENDING_DOCUMENTS, rng.randrange(1, 3)))
        if status in ("aprovado", "pago"):
            values["amount_approved"] = _money(requested_amount * Decimal(rng.randrange(70, 101)) / 100)
        if status == "pago":
            # Art. 72: paid within 30 days of complete documents.
            values["paid_on"] = min(requested + timedelta(days=rng.randrange(10, 30)), self.today)
        if status == "negado":
            values["denial_reason"] = rng.choice(DENIAL_REASONS_REIMBURSEMENT)
        values.update(overrides)
        self.rows.append(Reimbursement(**values))

    def authorization(self, person: Beneficiary, status: str, requested: date, **overrides) -> None:
        rng = self.rng
        code, name, high_complexity = rng.choice(AUTHORIZATION_PROCEDURES)
        values = {
            "guide_number": self.counters.guide_number(requested),
            "protocol": self.counters.authorization_protocol(requested),
            "beneficiary": person,
            "procedure_code": code,
            "procedure_name": name,
            "requested_on": requested,
            "decided_on": None,
            "status": status,
            "urgency": rng.random() < 0.15,
            "high_complexity": high_complexity,
        }
        if status in ("autorizada", "negada", "cancelada"):
            values["decided_on"] = min(requested + timedelta(days=rng.randrange(0, 10)), self.today)
        if status == "negada":
            values["denial_reason"] = rng.choice(DENIAL_REASONS_AUTHORIZATION)
        values.update(overrides)
        self.rows.append(Authorization(**values))

    def random_requests(self, person: Beneficiary) -> None:
        rng = self.rng
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            status = rng.choices(
                ("em_analise", "pendente_documentos", "aprovado", "pago", "negado"), (2, 2, 1, 5, 1)
            )[0]
            recent = status in ("em_analise", "pendente_documentos", "aprovado")
            days_ago = rng.randrange(1, 28) if recent else rng.randrange(35, 400)
            self.reimbursement(person, status, self.today - timedelta(days=days_ago))
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            status = rng.choices(("em_analise", "autorizada", "negada", "cancelada"), (2, 6, 2, 1))[0]
            days_ago = rng.randrange(0, 15) if status == "em_analise" else rng.randrange(10, 400)
            self.authorization(person, status, self.today - timedelta(days=days_ago))

    # -- utilization ------------------------------------------------------------------------

    def event(
        self,
        person: Beneficiary,
        day: date,
        category: str,
        amount: Decimal | None = None,
        procedure: tuple[str, str] | None = None,
        provider: str | None = None,
        hospitalization_day: int | None = None,
    ) -> UtilizationEvent:
        rng = self.rng
        code, description = procedure or rng.choice(PROCEDURES[category])
        if amount is None:
            low, high = AMOUNT_RANGES[category]
            amount = _money(Decimal(rng.randrange(low * 100, high * 100)) / 100)
        copay, reason = copay_for(category, amount, hospitalization_day)
        event = UtilizationEvent(
            beneficiary=person,
            event_date=day,
            provider=provider or rng.choice(PROVIDERS[category]),
            procedure_code=code,
            description=description,
            category=category,
            amount_total=amount,
            copay_amount=copay,
            copay_exempt_reason=reason,
            hospitalization_day=hospitalization_day,
        )
        self.rows.append(event)
        return event

    def random_utilization(self, person: Beneficiary, used: set[tuple]) -> None:
        rng = self.rng
        start = max(date(self.today.year - 1, 1, 1), person.adhesion_date)
        span = (self.today - start).days
        if span <= 0:
            return
        categories = (
            "consulta", "exame", "terapia", "conexao_saude", "pronto_atendimento_online", "internacao",
            "outro",
        )  # fmt: skip
        weights = (35, 30, 10, 8, 8, 3, 2)
        for _ in range(rng.randrange(2, 11)):
            category = rng.choices(categories, weights)[0]
            day = start + timedelta(days=rng.randrange(0, span + 1))
            procedure = rng.choice(PROCEDURES[category])
            provider = rng.choice(PROVIDERS[category])
            key = (id(person), day, provider, procedure[0])
            if key in used:
                continue
            used.add(key)
            self.event(person, day, category, procedure=procedure, provider=provider)

    def treatment_series(
        self, person: Beneficiary, category: str, first_day: date, sessions: int, every: int, used: set[tuple]
    ) -> None:
        provider = PROVIDERS[category][0]
        procedure = PROCEDURES[category][0]
        for index in range(sessions):
            day = first_day + timedelta(days=index * every)
            if day > self.today:
                break
            used.add((id(person), day, provider, procedure[0]))
            self.event(person, day, category, procedure=procedure, provider=provider)

    def psychiatric_stay(self, person: Beneficiary, first_day: date, days: int, used: set[tuple]) -> None:
        provider = PROVIDERS["internacao_psiquiatrica"][0]
        procedure = PROCEDURES["internacao_psiquiatrica"][0]
        for index in range(days):
            day = first_day + timedelta(days=index)
            if day > self.today:
                break
            used.add((id(person), day, provider, procedure[0]))
            self.event(
                person,
                day,
                "internacao_psiquiatrica",
                amount=Decimal("640.00"),
                procedure=procedure,
                provider=provider,
                hospitalization_day=index + 1,
            )

    # -- billing ----------------------------------------------------------------------------

    def invoices(self, families: list[list[Beneficiary]]) -> None:
        copays: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
        for row in self.rows:
            if isinstance(row, UtilizationEvent) and row.copay_amount:
                month = row.event_date.replace(day=1)
                copays[(id(row.beneficiary), month)] += row.copay_amount
        for members in families:
            titular = members[0]
            # Art. 23, §1º and Art. 30: special dependants are billed on their own slip.
            payers = [titular] + [m for m in members if m.kind == "dependente_especial"]
            for payer in payers:
                covered = (
                    [payer]
                    if payer is not titular
                    else [m for m in members if m.kind != "dependente_especial"]
                )
                self.invoices_of(payer, covered, copays)

    def invoices_of(self, payer: Beneficiary, covered: list[Beneficiary], copays) -> None:
        rng = self.rng
        family = payer.card_number[6:13]
        payroll = family in self.payroll_families and payer.kind == "titular"
        overdue_left = self.overdue_families.get(family, 0) if payer.kind == "titular" else 0
        for months_back in range(11, -1, -1):
            competence = _month_start(self.today, months_back)
            previous = _month_start(competence, 1)
            if competence < payer.adhesion_date.replace(day=1):
                continue
            amount = Decimal("0.00")
            for member in covered:
                if member.status == "cancelado" or member.adhesion_date > competence:
                    continue
                amount += band_price(member.plan, billing_age(member.birth_date, competence))
                amount += copays.get((id(member), previous), Decimal("0.00"))
            amount = _money(amount)
            due = due_date_for(competence)
            deducted = Decimal("0.00")
            if payroll:
                # Art. 34, §1º: Forluz deducts from the pension; what the payroll cannot cover goes on a slip.
                deducted = amount if rng.random() < 0.8 else _money(amount * Decimal("0.6"))
            to_pay = amount - deducted
            status, paid_on, paid_amount = "aberto", None, None
            months_overdue = months_back if due < self.today else None
            if months_overdue is not None and not (0 < months_overdue <= overdue_left and to_pay > 0):
                delay = rng.choice((-5, -3, -1, 0, 0, 0, 2, 6)) if to_pay > 0 else 0
                paid_on = min(due + timedelta(days=delay), self.today)
                status, paid_amount = "pago", late_payment_total(to_pay, due, paid_on)
            line = None
            if to_pay > 0:
                free_field = f"{payer.card_number[6:15]}{competence:%Y%m}{rng.randrange(10**9, 10**10)}"
                line = make_digitable_line("001", due, to_pay, free_field.ljust(25, "0")[:25])
            self.rows.append(
                Invoice(
                    beneficiary=payer,
                    competence=competence,
                    due_date=due,
                    amount=amount,
                    payroll_deducted=deducted,
                    status=status,
                    paid_on=paid_on,
                    paid_amount=paid_amount,
                    digitable_line=line,
                )
            )

    def tax_statements(self, year: int) -> None:
        copay_by_person: dict[int, Decimal] = defaultdict(Decimal)
        for row in self.rows:
            if isinstance(row, UtilizationEvent) and row.event_date.year == year:
                copay_by_person[id(row.beneficiary)] += row.copay_amount
        for person in self.beneficiaries:
            if person.adhesion_date.year > year or person.status == "cancelado":
                continue
            contributions = Decimal("0.00")
            for month in range(1, 13):
                competence = date(year, month, 1)
                if competence >= person.adhesion_date.replace(day=1):
                    contributions += band_price(person.plan, billing_age(person.birth_date, competence))
            self.rows.append(
                TaxStatement(
                    beneficiary=person,
                    year=year,
                    contributions_paid=_money(contributions),
                    copay_paid=_money(copay_by_person.get(id(person), Decimal("0.00"))),
                )
            )


def _demo_requests(builder: _Builder, maria: Beneficiary, jose: Beneficiary, ana: Beneficiary) -> None:
    t = builder.today
    builder.reimbursement(
        maria,
        "pendente_documentos",
        t - timedelta(days=12),
        service_date=t - timedelta(days=15),
        service_description="Consulta de urgência em pronto-socorro fora da rede credenciada",
        amount_requested=Decimal("450.00"),
        pending_documents=f"{PENDING_DOCUMENTS[0]}; {PENDING_DOCUMENTS[2]}",
    )
    builder.reimbursement(
        maria,
        "aprovado",
        t - timedelta(days=20),
        service_date=t - timedelta(days=24),
        service_description="Atendimento de urgência por acidente pessoal (sutura)",
        amount_requested=Decimal("320.00"),
        amount_approved=Decimal("300.00"),
        documents_complete_on=t - timedelta(days=18),
    )
    builder.reimbursement(
        jose,
        "pago",
        t - timedelta(days=75),
        service_date=t - timedelta(days=80),
        service_description="Atendimento de emergência com exames de imagem",
        amount_requested=Decimal("1280.00"),
        amount_approved=Decimal("1034.50"),
        documents_complete_on=t - timedelta(days=70),
        paid_on=t - timedelta(days=50),
    )
    builder.reimbursement(
        jose,
        "negado",
        t - timedelta(days=200),
        service_date=t - timedelta(days=205),
        service_description="Consulta eletiva com cardiologista não credenciado",
        amount_requested=Decimal("600.00"),
        denial_reason=DENIAL_REASONS_REIMBURSEMENT[0],
    )
    builder.reimbursement(
        ana,
        "em_analise",
        t - timedelta(days=5),
        service_date=t - timedelta(days=7),
        service_description="Atendimento de urgência pediátrica com raio-x",
        amount_requested=Decimal("890.00"),
    )
    builder.authorization(
        maria,
        "autorizada",
        t - timedelta(days=40),
        procedure_code="41101014",
        procedure_name="Ressonância magnética de crânio",
        decided_on=t - timedelta(days=37),
        high_complexity=True,
        urgency=False,
    )
    builder.authorization(
        maria,
        "em_analise",
        t - timedelta(days=1),
        procedure_code="41001010",
        procedure_name="Tomografia computadorizada de crânio",
        high_complexity=True,
        urgency=True,
    )
    builder.authorization(
        jose,
        "negada",
        t - timedelta(days=25),
        procedure_code="30715016",
        procedure_name="Artroscopia de joelho",
        decided_on=t - timedelta(days=21),
        denial_reason=DENIAL_REASONS_AUTHORIZATION[0],
        high_complexity=True,
        urgency=False,
    )
    builder.authorization(
        ana,
        "em_analise",
        t - timedelta(days=3),
        procedure_code="20103093",
        procedure_name="Sessões de fisioterapia (pacote de 10)",
        high_complexity=False,
        urgency=False,
    )


def _demo_utilization(builder: _Builder, maria: Beneficiary, jose: Beneficiary, ana: Beneficiary) -> None:
    t = builder.today
    last_year = t.year - 1
    plan = [
        (maria, t - timedelta(days=9), "consulta", Decimal("280.00"), 0),
        (maria, t - timedelta(days=8), "exame", Decimal("95.40"), 0),
        (maria, t - timedelta(days=45), "conexao_saude", Decimal("160.00"), 1),
        (maria, t - timedelta(days=37), "exame", Decimal("1180.00"), 3),
        (jose, t - timedelta(days=30), "pronto_atendimento_online", Decimal("120.00"), 0),
        (jose, t - timedelta(days=62), "consulta", Decimal("310.00"), 1),
        (ana, t - timedelta(days=18), "consulta", Decimal("220.00"), 0),
        (ana, t - timedelta(days=16), "terapia", Decimal("150.00"), 1),
        (maria, date(last_year, 3, 10), "consulta", Decimal("250.00"), 0),
        (maria, date(last_year, 3, 11), "exame", Decimal("410.00"), 2),
        (jose, date(last_year, 7, 22), "exame", Decimal("980.00"), 3),
        (ana, date(last_year, 9, 5), "consulta", Decimal("200.00"), 0),
    ]
    for person, day, category, amount, procedure_index in plan:
        procedures = PROCEDURES[category]
        builder.event(
            person,
            day,
            category,
            amount=amount,
            procedure=procedures[procedure_index % len(procedures)],
            provider=PROVIDERS[category][0],
        )


def _clear(session: Session) -> None:
    # Children first; dependants before titulars because of the self-reference.
    for model in (IdentificationGuard, Ticket, TaxStatement, UtilizationEvent, Invoice, Authorization, Reimbursement):
        session.execute(delete(model))
    session.execute(delete(Beneficiary).where(Beneficiary.titular_id.is_not(None)))
    session.execute(delete(Beneficiary))
    session.execute(delete(PlanAgeBand))
    session.execute(delete(Plan))


def seed_demo(
    *,
    session_factory: sessionmaker,
    families: int = 60,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
) -> dict[str, int]:
    """Replace the whole database content with the synthetic demo population.

    Every table is emptied first (tickets included), so running it twice gives
    the same data; the same ``seed`` and ``today`` always give the same rows.

    Args:
        session_factory: Factory from :func:`bot.db.session.make_session_factory`.
        families: Number of families, the demo family 1 included.
        seed: Random seed.
        today: Reference date for "last 12 months", open invoices and ages; today by default.

    Returns:
        Number of rows created per table name.
    """
    if families < 1:
        raise ValueError("families must be at least 1 (the demo family)")
    today = today or clock.today()
    rng = random.Random(seed)
    builder = _Builder(rng, today)
    builder.build_plans()

    family_members = [builder.demo_family()]
    for family in range(DEMO_FAMILY_NUMBER + 1, DEMO_FAMILY_NUMBER + families):
        family_members.append(builder.random_family(family))
    for members in family_members[1:]:
        family = members[0].card_number[6:13]
        if rng.random() < 0.3:
            builder.payroll_families.add(family)
        if rng.random() < 0.12:
            builder.overdue_families[family] = rng.choice((1, 1, 2, 3))
    # The demo family always owes last month's slip, so "boleto em atraso" can be shown.
    builder.overdue_families[family_members[0][0].card_number[6:13]] = 1

    maria, jose, ana = family_members[0]
    _demo_requests(builder, maria, jose, ana)
    _demo_utilization(builder, maria, jose, ana)
    used: set[tuple] = set()
    for members in family_members[1:]:
        for person in members:
            builder.random_requests(person)
            builder.random_utilization(person, used)
    _special_treatments(builder, family_members[1:], used)
    builder.invoices(family_members)
    # A return can be amended for five years; the last three statements cover what people ask for ("o de 2024").
    for year in range(today.year - 3, today.year):
        builder.tax_statements(year)

    with session_scope(session_factory) as session:
        _clear(session)
        session.add_all(builder.plans.values())
        session.add_all(builder.beneficiaries)
        session.add_all(builder.rows)
        session.flush()
    counts: dict[str, int] = defaultdict(int)
    counts["plans"] = len(builder.plans)
    counts["plan_age_bands"] = sum(len(p.age_bands) for p in builder.plans.values())
    counts["beneficiaries"] = len(builder.beneficiaries)
    for row in builder.rows:
        counts[type(row).__tablename__] += 1
    return dict(counts)


def _special_treatments(builder: _Builder, families: list[list[Beneficiary]], used: set[tuple]) -> None:
    """Give a few people long exempt treatments and one a psychiatric stay past day 30."""
    rng = builder.rng
    adults = [p for members in families for p in members if age_on(p.birth_date, builder.today) >= 18]
    if not adults:
        return
    chosen = rng.sample(adults, min(4, len(adults)))
    start = builder.today - timedelta(days=120)
    plans = (("quimioterapia", 6, 21), ("hemodialise", 24, 3), ("radioterapia", 15, 2))
    for person, (category, sessions, every) in zip(chosen, plans, strict=False):
        builder.treatment_series(
            person, category, start + timedelta(days=rng.randrange(0, 20)), sessions, every, used
        )
    if len(chosen) == 4:
        builder.psychiatric_stay(chosen[3], builder.today - timedelta(days=80), 36, used)
