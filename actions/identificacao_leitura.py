"""Reading the answers to the identification's questions: the document, the date, and what is neither.

Pure functions and texts used by the identification form (actions/identificacao.py); only
:func:`buscar_candidato` reads the database.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, List, Tuple
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker

from actions.base import db_session, hoje
from bot.canais import TELEFONE_24H
from bot.db import repository
from bot.identifiers import is_valid_card, is_valid_cpf, mask_card, mask_cpf
from bot.nlu.parsing import find_identifiers, only_digits, parse_date, strip_accents
from bot.settings import get_settings


def ler_documento(texto: str) -> Tuple[str | None, str]:
    """Read a CPF or a card number from an answer.

    Returns:
        ``("cpf" | "numero_cartao" | None, digits)``; None when the answer has
        neither 11 nor 16 digits.
    """
    for item in find_identifiers(texto or ""):
        if item.entity in ("cpf", "numero_cartao"):
            return item.entity, item.value
    digits = only_digits(texto or "")
    kind = {11: "cpf", 16: "numero_cartao"}.get(len(digits))
    if kind is None:
        # u17: "52998224725 12031975", CPF and date in digits only, read as one 19-digit number.
        for token in re.findall(r"[\d.\-]+", texto or ""):
            numero = only_digits(token)
            if len(numero) == 11 and is_valid_cpf(numero):
                return "cpf", numero
            if len(numero) == 16 and is_valid_card(numero):
                return "numero_cartao", numero
    return kind, digits


def data_junto(texto: str, documento: str) -> str | None:
    """The birth date typed in the same message as the document, as text for the date question, if any.

    >>> data_junto("cpf 529.982.247-25 nasc 12/03/1975", "52998224725")
    '12/03/1975'
    >>> data_junto("52998224725 12031975", "52998224725"), data_junto("52998224725", "52998224725")
    ('12031975', None)
    """
    data = next((item for item in find_identifiers(texto) if item.entity == "data"), None)
    if data is not None:
        return texto[data.start : data.end]
    # Eight digits beside the document, as the keypad and the date question take them.
    return next(
        (t for t in re.findall(r"\d+", texto) if len(t) == 8 and t not in documento and parse_date(t)), None
    )


def documento_invalido(texto: str) -> str | None:
    """Why an answer is not a well-formed CPF or card number, or None when it is one.

    A wrong check digit is told apart at once: it says nothing about who is a member.
    """
    kind, digits = ler_documento(texto)
    if kind is None:
        return "Não encontrei um CPF (11 dígitos) nem um número de carteirinha (16 dígitos) na sua mensagem."
    if kind == "cpf" and not is_valid_cpf(digits):
        return "Esse CPF não é válido: os dígitos verificadores não conferem. Confira e digite de novo."
    if kind == "numero_cartao" and not is_valid_card(digits):
        return (
            "Esse número de carteirinha não é válido: o dígito verificador não confere. "
            "Confira no cartão e digite de novo."
        )
    return None


def emendar_documento(tracker: Tracker, texto: str) -> str | None:
    """The CPF typed in two messages ("529.982", then "247-25"), when the two together are a valid one.

    Args:
        tracker: The conversation; its previous user message is the first part.
        texto: The latest message, the second part.
    """
    mensagens = [e.get("text") or "" for e in tracker.events or [] if e.get("event") == "user"]
    anterior = mensagens[-2] if len(mensagens) >= 2 else ""
    primeira, segunda = only_digits(anterior), only_digits(texto)
    if not (5 <= len(primeira) < 11 and 1 <= len(segunda) < 11):
        return None
    junto = primeira + segunda
    return junto if len(junto) == 11 and is_valid_cpf(junto) else None


def buscar_candidato(texto: str) -> Any | None:
    """The beneficiary a well-formed document points to, or None (never said apart from a wrong date)."""
    kind, digits = ler_documento(texto)
    with db_session() as session:
        if kind == "cpf":
            row = repository.find_beneficiary_by_cpf(digits, session=session)
        else:
            row = repository.find_beneficiary_by_card(digits, session=session)
        if row is not None:
            session.expunge(row)
    return row


def mensagem_de_bloqueio(ate: datetime) -> str:
    """What a blocked user reads: until when, and where to go meanwhile."""
    fuso = get_settings().timezone
    local = ate.astimezone(ZoneInfo(fuso))
    dia = "" if local.date() == hoje() else f" de {local:%d/%m}"
    # Clients of the desk write from Portugal: the hour says whose clock it is.
    relogio = " (horário de Brasília)" if fuso == "America/Sao_Paulo" else f" ({fuso})"
    return (
        f"Por segurança, a identificação com estes dados está bloqueada até as {local:%H:%M}{dia}{relogio}, porque "
        # u22: the real Maria, locked out by someone else's guesses, heard of "attempts" she never made.
        "houve várias tentativas sem sucesso com estes dados, nem sempre suas. Se precisar agora, ligue para a Central "
        "de Relacionamento: "
        f"{TELEFONE_24H}, ou digite 0 para falar com um atendente."
    )


# An acknowledgement typed at the birth date question ("ok, já liguei pro samu", "tá bom"), not a date.
CIENTE = re.compile(r"^\W*(?:ok|okay|ta bom|beleza|certo|entendi|ja liguei|liguei|ja chamei|chamei|obrigad\w*)\b")


def texto_de(texto: str) -> str:
    """The message folded as the patterns here read it: lower case, no accents."""
    return strip_accents(texto).lower()


# "não sou cliente", "ainda não tenho o plano, quero contratar": a prospect, who has no CPF on file to give.
_NAO_CLIENTE = re.compile(
    r"\b(?:nao|ainda nao|n) sou (?:cliente|associad[oa]|beneficiari[oa]|filiad[oa]|do plano|de voces|de vcs)"
    r"|\bquero (?:contratar|aderir|assinar|fazer (?:um|o) plano|entrar no plano)"
    r"|\bnao (?:tenho|possuo) (?:o |um )?plano\b"
)


# "pq nao acha? eu sou do plano sim": a member the lookup did not find, who was offered the plans on sale.
_E_CLIENTE = re.compile(
    r"\b(?:(?<!nao )(?<!ainda nao )sou (?:cliente|associad[oa]|beneficiari[oa]|do plano|titular|dependente)|"
    r"(?:eu )?tenho (?:o )?plano (?:sim|faz|ha|de voces|com voces)|pago (?:o )?plano)\b"
)
NAO_ENCONTRADO_CLIENTE = (
    "Se você é do plano, confira o CPF e a data de nascimento, ou use o número da carteirinha (16 dígitos, no "
    "aplicativo da Cemig Saúde). Se ainda assim não encontrar, digite 0 para falar com um atendente ou ligue para a "
    "Central de Relacionamento: {telefone}."
)


def diz_que_e_cliente(texto: str) -> bool:
    """Whether a message insists its writer is a member.

    >>> diz_que_e_cliente("pq nao acha? eu sou do plano sim"), diz_que_e_cliente("não sou do plano")
    (True, False)
    """
    return bool(_E_CLIENTE.search(texto_de(texto)))


def nao_e_cliente(texto: str) -> bool:
    """Whether a message says its writer is not a member yet.

    >>> nao_e_cliente("eu nao sou cliente ainda, quero contratar"), nao_e_cliente("ainda não tenho plano")
    (True, True)
    >>> nao_e_cliente("sou cliente há 10 anos"), nao_e_cliente("não sou o titular")
    (False, False)
    """
    return bool(_NAO_CLIENTE.search(texto_de(texto)))


DATA_ILEGIVEL = (
    "Não entendi a data. Informe no formato dd/mm/aaaa, por exemplo 25/12/1980 (isso não conta como tentativa)."
)
DATA_FUTURA = (
    "A data {data} ainda não chegou: confira o ano e informe sua data de nascimento de novo, no formato dd/mm/aaaa "
    "(isso não conta como tentativa)."
)


def sujeitos(documento: str, remetente: str) -> List[str]:
    """What a guess at ``documento`` is counted against; a member's CPF and card count as one person."""
    candidato = buscar_candidato(documento)
    return repository.guard_subjects(documento, remetente, candidato.id if candidato is not None else None)


def mascarado(documento: str) -> str:
    """The document as logs show it: a CPF or card masked, anything else as "?"."""
    kind, digits = ler_documento(documento)
    return mask_cpf(digits) if kind == "cpf" else mask_card(digits) if kind == "numero_cartao" else "?"


# "sou o marido da maria, o cpf dela é …", "o cpf da minha mãe": a document the writer says is someone else's.
_DOCUMENTO_DE_OUTRA_PESSOA = re.compile(
    r"\b(?:cpf|carteirinha|cartao|carteira|documento|numero)\s+(?:dela|dele|"
    r"d[ao] (?:minha |meu |sua |seu )?(?:mae|pai|esposa|esposo|marido|mulher|filha|filho|companheir[oa]|avo|"
    r"sogr[oa]|irma|irmao|tia|tio|neta|neto|titular|patroa|patrao|chefe))\b|"
    r"\b(?:ela|ele) nasceu\b|"
    # u27: "sou a ana, dependente da minha mae… posso usar o da minha mae? 52998224725" entered as her mother.
    r"\b(?:usar|uso|usando|entrar com|entro com) (?:o|a) (?:cpf |carteirinha |numero |cadastro )?"
    r"d[ao] (?:minha |meu )?(?:mae|pai|esposa|esposo|marido|mulher|filha|filho|avo|titular)\b"
)
DOCUMENTO_DE_OUTRA_PESSOA = (
    "Cada pessoa se identifica com o próprio CPF ou carteirinha, e vê só o que é seu: por segurança, não entro com "
    "os dados de outra pessoa, mesmo da família. Informe o seu CPF (11 dígitos) ou o número da sua carteirinha; se "
    "a pessoa estiver com você, ela mesma pode se identificar. Quem é titular vê também os dados dos dependentes."
)


# u26: "ela tá aqui do meu lado e autoriza" (read as the authorizations), "sou o marido dela, ela deixou" (not
# understood): a person's permission does not open her data to someone else; she identifies herself.
_PERMITE = re.compile(
    r"\b(?:ela|ele|minha mae|meu pai|minha esposa|meu marido|[ao] titular)\s+(?:\w+\s+){0,2}?"
    r"(?:deixou|deixa|autoriza|autorizou|permitiu|permite|concorda|concordou|consente|liberou)\b|"
    r"\b(?:ela|ele)\s+(?:ta|esta)\s+(?:aqui\s+)?(?:do|ao)\s+meu\s+lado\b|"
    r"\b(?:com|tenho)\s+(?:a\s+)?(?:autorizacao|permissao)\s+(?:dela|dele)\b"
)
PERMISSAO_DE_OUTRA_PESSOA = (
    "Mesmo com a permissão da pessoa, por segurança não mostro os dados de uma pessoa a outra: cada um se identifica "
    "com o próprio CPF e vê o que é seu (quem é titular vê também os dependentes). Se ela estiver com você, ela "
    "mesma pode se identificar, com o CPF e a data de nascimento dela{sair}."
)


def permissao_de_outra_pessoa(texto: str, identificado: bool) -> str | None:
    """The answer to someone who says another person lets them see her data; None when the message does not say so.

    >>> permissao_de_outra_pessoa("ela ta aqui do meu lado e autoriza", False).startswith("Mesmo com a permissão")
    True
    >>> permissao_de_outra_pessoa("sou o marido dela, ela deixou", True).endswith("depois de digitar *sair*.")
    True
    >>> permissao_de_outra_pessoa("preciso de autorização pra ressonância", False) is None
    True
    """
    if not _PERMITE.search(strip_accents(texto).lower()):
        return None
    return PERMISSAO_DE_OUTRA_PESSOA.format(sair=" depois de digitar *sair*" if identificado else "")


def documento_de_outra_pessoa(texto: str) -> bool:
    """Whether the message says the CPF or card it gives belongs to someone other than the writer (u19).

    >>> documento_de_outra_pessoa("sou o marido da maria, o cpf dela é 52998224725 e ela nasceu em 12/03/1975")
    True
    >>> documento_de_outra_pessoa("o CPF da minha mãe é 529.982.247-25")
    True
    >>> documento_de_outra_pessoa("sou a ana, dependente da minha mae, posso usar o da minha mae? 52998224725")
    True
    >>> documento_de_outra_pessoa("meu cpf é 52998224725"), documento_de_outra_pessoa("o número da carteirinha é 1")
    (False, False)

    Asking for a relative's data after giving one's own is not giving theirs (u23: Maria was refused her own CPF):

    >>> documento_de_outra_pessoa("529.982.247-25 nascida em 12/03/1975, quero o numero da carteirinha da minha filha")
    False
    >>> documento_de_outra_pessoa("52998224725 é o cpf da minha mãe")
    True
    >>> documento_de_outra_pessoa("529.982.247-25, quero a carteirinha da minha filha")
    False
    """
    dobrado = texto_de(texto)
    for achado in _DOCUMENTO_DE_OUTRA_PESSOA.finditer(dobrado):
        if achado.group().endswith("nasceu"):
            return True
        # The document said to be theirs follows the words that say so ("o cpf dela é …"), or is said to be it
        # ("… é o cpf da minha mãe").
        if _NUMERO_LONGO.search(dobrado[achado.end():achado.end() + _PERTO]) or _E_O.search(dobrado[:achado.start()]):
            return True
    return False


_PERTO = 25
_NUMERO_LONGO = re.compile(r"\d(?:[\d.\- /]*\d){7,}")
_E_O = re.compile(r"\d(?:[\d.\- /]*\d){7,}\W*(?:e|eh|sao|seria)\s+(?:o|a)?\s*$")
