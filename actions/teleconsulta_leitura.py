"""Reading what a client of the teleconsultation desk types: a full name, a NIF or, from Brazil, a CPF.

The desk identifies its clients by NAME and NIF (procedure 004); clients in Brazil have a CPF instead. Both often
come in one message ("Sofia Martins, NIF 123456789"), with words around them.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions.sinais import de_portugal, escreve_de_portugal, pais_do_telefone
from bot.identifiers import is_valid_cpf
from bot.nlu.parsing import find_identifiers, only_digits, strip_accents
from routing.nif import is_valid_nif

_NOME = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)+$")
# A number typed with the name ("Sofia Martins 123 456 789", "PT123456789", "529.982.247-25"): a whole word only,
# so that digits glued to letters ("Ana2") still make the name invalid.
_NUMERO = re.compile(r"(?i)(?<!\w)(?:pt\s?)?\d(?:[\d .\-/]*\d)?(?!\w)")
# The words that introduce that number: "NIF", "o meu nif é", "e o CPF:", "com o número de contribuinte".
_ROTULO = re.compile(
    r"(?i)(?<!\w)(?:(?:e|com)\s+)?(?:(?:o|a)\s+)?(?:(?:meu|minha)\s+)?"
    r"(?:(?:n[uú]mero|n\.?\s?º)(?:\s+(?:de\s+)?(?:contribuinte|identifica[cç][aã]o\s+fiscal))?|contribuinte|nif|cpf)"
    r"(?![^\W\d_])(?:\s*(?:é|e|:|=)(?![^\W\d_]))?"
)
_PONTUACAO = " .,;:!-–"


def ler_cpf(texto: str) -> str | None:
    """A valid CPF in the message, if any: a client in Brazil has no NIF (see :meth:`validate_tele_nif`).

    >>> ler_cpf("não tenho NIF, meu CPF é 529.982.247-25"), ler_cpf("123456789")
    ('52998224725', None)
    """
    for item in find_identifiers(texto or ""):
        if item.entity == "cpf" and is_valid_cpf(item.value):
            return item.value
    return None


def ler_nif(texto: str) -> str | None:
    """The first 9-digit run of a message, if any (checked by the validator)."""
    achado = re.search(r"(?<!\d)(\d[\d .]{7,12}\d)(?!\d)", texto or "")
    digitos = only_digits(achado.group(1)) if achado else ""
    return digitos if len(digitos) == 9 else None


def ler_numero_fiscal(texto: str) -> str | None:
    """A valid NIF in the message or, from a client in Brazil, a valid CPF; None when there is neither."""
    nif = ler_nif(texto)
    return nif if nif and is_valid_nif(nif) else ler_cpf(texto)


def sem_numero_fiscal(texto: str) -> str:
    """The message without the numbers typed in it and the words that introduce them ("NIF", "o meu CPF é").

    Clients often answer the name question with the NIF too; the number is read by :func:`ler_numero_fiscal`.
    A message without digits is returned as it is.

    >>> sem_numero_fiscal("sou a Sofia Martins, o meu nif é 123456789").strip(" ,")
    'sou a Sofia Martins'
    """
    if not re.search(r"\d", texto or ""):
        return texto or ""
    return _ROTULO.sub(" ", _NUMERO.sub(" ", texto))


# Words that are no part of a name: "e o atendesto tbm nao veio" was taken for the full name of the person.
_NAO_E_NOME = frozenset(
    "nao tbm tb tambem veio foi tem ter quero queria preciso o a os as que qual quando como pra para com sem meu "
    "minha isso esse essa ele ela eu voce vc ja ainda mais receita atestado consulta medico medica teleconsulta "
    "ok sim obrigado obrigada".split()
)


def ler_nome(texto: str) -> str | None:
    """A full name (two words or more, letters only), without "o meu nome é" nor a NIF or CPF typed with it.

    >>> ler_nome("o meu nome é Ana Sofia Ramos"), ler_nome("Ana"), ler_nome("123 456")
    ('Ana Sofia Ramos', None, None)
    >>> ler_nome("Sofia Martins, NIF 123456789"), ler_nome("NIF: 123 456 789 - Sofia Martins")
    ('Sofia Martins', 'Sofia Martins')
    >>> ler_nome("está bem, Rita Carvalho Santos"), ler_nome("Maria da Silva e Souza")
    ('Rita Carvalho Santos', 'Maria da Silva e Souza')
    >>> ler_nome("Olá, Sofia Martins"), ler_nome("Oi! Meu nome é João Silva"), ler_nome("bom dia, sou a Ana Reis")
    ('Sofia Martins', 'João Silva', 'Ana Reis')

    A sentence is no name, though it has only letters:

    >>> ler_nome("e o atendesto tbm nao veio"), ler_nome("a receita não chegou")
    (None, None)
    """
    limpo = sem_numero_fiscal(texto or "").strip(_PONTUACAO)
    limpo = re.sub(
        r"(?i)^\s*(?:est[aá] bem|ok|sim|pronto|certo|claro|ol[aá]|oi|bo[ma] (?:dia|tarde|noite))\s*[,.!]?\s+", "", limpo
    )
    limpo = re.sub(r"(?i)^\s*(o\s+)?(meu\s+nome\s+(é|e)|chamo-me|me\s+chamo|sou\s+(o|a))\s+", "", limpo)
    limpo = " ".join(limpo.strip(_PONTUACAO).split())
    palavras = strip_accents(limpo).lower().split()
    if not palavras or palavras[0] == "e" or set(palavras) & _NAO_E_NOME:
        return None
    return limpo if _NOME.match(limpo) and len(limpo) <= 120 else None


def equipa(fiscal: str | None) -> str:
    """How the desk's team is named to a client: a CPF is a client in Brazil, answered in Brazilian Portuguese.

    >>> equipa("52998224725"), equipa("123456789"), equipa(None)
    ('equipe', 'equipa', 'equipa')
    """
    return "equipe" if len(fiscal or "") == 11 else "equipa"


# How the desk's questions name the number: Brazil's CPF, Portugal's NIF, both when nothing says where one is.
DOCUMENTO_DO_PAIS = {"BR": "CPF", "PT": "NIF"}
DIGITOS_DO_DOCUMENTO = {"CPF": 11, "NIF": 9}


def nome_do_documento(pais: str | None) -> str:
    """The number a client of ``pais`` has, as the desk's questions name it.

    >>> nome_do_documento("BR"), nome_do_documento("PT"), nome_do_documento(None)
    ('CPF (11 dígitos)', 'NIF (9 dígitos)', 'CPF (11 dígitos) ou, em Portugal, o NIF (9 dígitos)')
    """
    documento = DOCUMENTO_DO_PAIS.get(pais or "")
    if documento:
        return f"{documento} ({DIGITOS_DO_DOCUMENTO[documento]} dígitos)"
    return "CPF (11 dígitos) ou, em Portugal, o NIF (9 dígitos)"


def pais_do_cliente(tracker: Tracker) -> str | None:
    """Where the desk's client is ("BR", "PT"), by the phone the conversation comes from or the request's words.

    A Brazilian beneficiary is asked for the CPF only and a client in Portugal for the NIF only; a Telegram chat
    writing no Portuguese-only words is asked for either.
    """
    pais = pais_do_telefone(tracker)
    if pais in DOCUMENTO_DO_PAIS:
        return pais
    texto = str(tracker.get_slot("tele_texto") or tracker.latest_message.get("text") or "")
    return "PT" if escreve_de_portugal(texto) else None


# The plan's own online care (PA Online, source 002) as a beneficiary names it, and the words only the desk's
# clients use for theirs (source 004: Médis, Médico Online, the policy, the NIF).
_PA_ONLINE = re.compile(r"\b(?:pronto atendimento|pa online|pa on line|p\.a\. online)\b")
_SO_DA_MESA = re.compile(
    r"\b(?:medico online|medis|saude 360|clinica digital|nif|telemovel|apolice|seguro|seguradora)\b"
)
# How many of the person's latest messages a PA Online question keeps the conversation there.
MENSAGENS_DO_PA = 6


def sobre_o_pa_online(tracker: Tracker, texto: str) -> bool:
    """Whether a complaint about an online consultation is about the plan's PA Online, not the desk's service.

    u22: after PA Online answers, "não consigo entrar na consulta online, dá erro de câmera", "e a receita, onde
    fica?" and "o médico do pronto atendimento online foi grosseiro" opened requests to the teleconsultation desk
    in Portugal, with a 9-day deadline, for someone trying to see a doctor now. The PA Online is in Brazil: a
    client in Portugal, or a message naming the desk's service, stays with the desk.
    """
    folded = strip_accents(texto).lower()
    if de_portugal(tracker) or _SO_DA_MESA.search(folded):
        return False
    if _PA_ONLINE.search(folded):
        return True
    intencoes = [
        ((evento.get("parse_data") or {}).get("intent") or {}).get("name")
        for evento in tracker.events or []
        if evento.get("event") == "user"
    ]
    return "pronto_atendimento_online" in intencoes[:-1][-MENSAGENS_DO_PA:]
