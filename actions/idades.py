"""Reading the ages people write when they ask for a price ("eu 41, esposa 39, filhos 10 e 4").

Numbers that are not ages (prices, counts, dates, menu digits) are left out; see :func:`idades_da_mensagem`.
"""

from __future__ import annotations

import re
from typing import List

from bot.nlu.parsing import strip_accents

IDADE_MAXIMA = 120

# Who the number is about: a number after one of these words ("minha mãe de 67") is an age.
_PESSOA = (
    r"(?:eu|mae|pai|filho|filha|filhos|esposa|esposo|marido|mulher|companheir[oa]|conjuge|namorad[oa]|"
    r"avo|avos|sogr[oa]|irma|irmao|net[oa]|entead[oa]|sobrinh[oa]|ti[oa]|crianca|bebe|pessoa|senhor|senhora|"
    r"ele|ela|idos[oa]|dependente|titular|mim|um|uma|outr[oa]|adult[oa]s?|miud[oa]s?|garot[oa]s?|menin[oa]s?|"
    r"rapaz|adolescente|neto|neta|netos|netas)"
)
# "45 anos", "1 ano", "8 meses" (a baby is 0); not "há 10 anos", "até 23 anos" nor "30 anos de empresa",
# which are periods or limits rather than someone's age.
_COM_UNIDADE = re.compile(
    r"(?<![\d,.])(?<!\bha )(?<!\bfaz )(?<!\bpor )(?<!\bdurante )(?<!\bdaqui a )(?<!\bapos )(?<!\bate )(?<!\bem )"
    r"\b(\d{1,3})\s*(anos?|aninhos?|meses|mes)\b"
    r"(?!\s+(?:atras|de (?:empresa|casa|casad|contribui|servico|trabalho|plano|cemig)|na |no |nessa |nesse ))"
)
# "tenho 45", "idade: 45", "minha mãe de 67", "meu pai tem 70", "minha mãe 65": the number must end the phrase, so
# that "tenho 2 filhos" or "pessoa de 30 reais" is not read as an age.
_SEM_UNIDADE = re.compile(
    rf"\b(?:tenho|idade(?:\s+(?:de|e))?\s*:?|{_PESSOA},?(?:\s+(?:que\s+)?(?:de|com|tem|tem\s+uns))?)\s*\(?\s*"
    r"(\d{1,3})"
    rf"(?=\s*(?:$|[,;!?)]|\.(?!\d)|(?:e|quero|queria|gostaria|qual|quanto|quais|como|pode|posso|preciso|quer|"
    rf"vai|vou|pra|para|mas|ok|por favor|minha|meu|minhas|meus|{_PESSOA[3:-1]})\b))"
)
_PESSOA_DEPOIS = re.compile(rf"\s*{_PESSOA}\b")
# "filhos 10 e 4", "netos de 3, 5 e 8": the ages after the first one said of someone, without their unit.
_LISTA_DEPOIS = re.compile(r"(?:\s*,\s*|\s+e\s+)(\d{1,3})(?=\s*(?:$|[,;!?)]|\.(?!\d)|e\b))")
# "40 e " or "30, 28 e " right before "2 anos": the earlier ages of a list, written without their unit.
_LISTA_ANTES = re.compile(r"(?<![\d,.])((?:\d{1,3}(?:\s*,\s*|\s+))*\d{1,3})\s+e\s+$")
# The words that make "em 2 e 3 anos" a period, as for a single age.
_PERIODO_ANTES = re.compile(r"\b(ha|faz|por|durante|daqui a|apos|ate|em)\s+$")


def idades_da_mensagem(texto: str | None) -> List[int]:
    """Read the ages the user mentions, in the order written.

    Numbers that are not ages (prices, counts, dates, menu digits) are ignored; an age is a number followed by
    "anos"/"meses", or said of someone ("tenho 45", "minha mãe de 67"). In a list ("casal de 40 e 38 anos"),
    the numbers before the last share its unit.

    Args:
        texto: What the user typed.

    Returns:
        The ages in whole years (0 for "8 meses"); empty when there is none.

    >>> idades_da_mensagem("casal de 40 e 38 anos"), idades_da_mensagem("tenho 45 e meus filhos, 12, 9 e 3 anos")
    ([40, 38], [45, 12, 9, 3])
    >>> idades_da_mensagem("quanto fica o plano pra mim 38 minha esposa 35 e meu filho 6")
    [38, 35, 6]
    >>> idades_da_mensagem("eu 41 anos, esposa 39, filhos 10 e 4"), idades_da_mensagem("e se incluir mais um de 67?")
    ([41, 39, 10, 4], [67])
    >>> idades_da_mensagem("eu 35 marido 36 e 3 filhos 2 4 e 8 anos")
    [35, 36, 2, 4, 8]
    >>> idades_da_mensagem("2 adultos de 30 e 32 e um bebe de 1 ano")
    [30, 32, 1]
    >>> idades_da_mensagem("para mim (52 anos) e para a minha mulher (49)"), idades_da_mensagem("o meu miúdo de 16")
    ([52, 49], [16])
    >>> idades_da_mensagem("tenho 2 filhos de 10 e 8 anos"), idades_da_mensagem("eu tenho 3 netos")
    ([10, 8], [])
    """
    if not texto:
        return []
    folded = re.sub(r"\s+", " ", strip_accents(texto))
    candidatos = {}
    for match in _COM_UNIDADE.finditer(folded):
        candidatos[match.start(1)] = 0 if match.group(2).startswith("mes") else int(match.group(1))
        if match.group(2).startswith("ano"):
            lista = _LISTA_ANTES.search(folded[: match.start(1)])
            if lista and not _PERIODO_ANTES.search(folded[: lista.start(1)]):
                for numero in re.finditer(r"\d{1,3}", lista.group(1)):
                    candidatos.setdefault(lista.start(1) + numero.start(), int(numero.group()))
    for match in _SEM_UNIDADE.finditer(folded):
        if match.group(0).startswith(("tenho", "idade")) and _PESSOA_DEPOIS.match(folded, match.end(1)):
            continue  # "tenho 2 filhos": how many, not how old
        candidatos.setdefault(match.start(1), int(match.group(1)))
        fim = match.end(1)
        while seguinte := _LISTA_DEPOIS.match(folded, fim):
            candidatos.setdefault(seguinte.start(1), int(seguinte.group(1)))
            fim = seguinte.end(1)
    return [idade for _, idade in sorted(candidatos.items()) if 0 <= idade <= IDADE_MAXIMA]


def idade_da_mensagem(texto: str | None) -> int | None:
    """The first age the user mentions, or None (see :func:`idades_da_mensagem`).

    >>> idade_da_mensagem("tenho 45 anos"), idade_da_mensagem("pra minha mãe de 67"), idade_da_mensagem("7")
    (45, 67, None)
    """
    idades = idades_da_mensagem(texto)
    return idades[0] if idades else None


def idade_por_extenso(idade: int) -> str:
    """Write an age for the answer: "45 anos", "1 ano", "menos de 1 ano"."""
    if idade == 0:
        return "menos de 1 ano"
    return "1 ano" if idade == 1 else f"{idade} anos"


# "sem o de 32", "tira o de 67", "e sem a minha sogra de 67?": someone taken out of the quote, named by age.
_RETIRA = re.compile(
    r"\b(?:tir[ae]\w*|retir\w*|remov\w*|exclu\w*|sem|menos)\s+(?:(?:o|a|os|as)\s+)?(?:(?:minha|meu)\s+)?(?:\w+\s+)?"
    r"(?:de\s+|com\s+)?(\d{1,3})\b(?!\s*(?:reais|%|,\d|dias|meses))"
)
# "tira minha esposa", "refaz sem o meu filho": someone taken out, named but not by age.
_RETIRA_PESSOA = re.compile(
    rf"\b(?:tir[ae]\w*|retir\w*|remov\w*|exclu\w*|sem)\s+(?:(?:o|a)\s+)?(?:(?:minha|meu)\s+)?{_PESSOA}\b"
)


def idades_retiradas(texto: str | None) -> List[int]:
    """The ages the message takes out of a quote.

    >>> idades_retiradas("sem o de 32"), idades_retiradas("e sem a minha sogra de 67?")
    ([32], [67])
    >>> idades_retiradas("tira o de 67 e o de 10"), idades_retiradas("sem coparticipação")
    ([67], [])
    >>> idades_retiradas("Tira o filho de 15, ele vai ficar no plano da escola")
    [15]
    >>> idades_retiradas("sem carência de 30 dias")
    []
    """
    return [int(idade) for idade in _RETIRA.findall(strip_accents(texto or "").lower())]


def retira_pessoa(texto: str | None) -> bool:
    """Whether the message takes someone out of a quote without saying their age.

    >>> retira_pessoa("tira minha esposa"), retira_pessoa("refaz sem o meu filho"), retira_pessoa("sem carência")
    (True, True, False)
    >>> retira_pessoa("remove o bebê da cotação")
    True
    """
    return bool(_RETIRA_PESSOA.search(strip_accents(texto or "").lower()))


_FILHO = re.compile(r"\b(?:filh|entead)[oa]s?\b")
_OUTRA_PESSOA = re.compile(rf"\b{_PESSOA}\b")


def idades_de_filhos(texto: str | None) -> List[int]:
    """The ages said of a son, daughter or stepchild in a message ("eu 45 e meu enteado de 25").

    >>> idades_de_filhos("quanto fica um plano pra mim 45 anos e meu enteado de 25")
    [25]
    >>> idades_de_filhos("eu 50, esposa 48, filhos 26 e 19"), idades_de_filhos("filha de 30 e minha mãe 70")
    ([26, 19], [30])
    >>> idades_de_filhos("tenho 45 anos")
    []
    """
    folded = strip_accents(texto or "").lower()
    idades: List[int] = []
    for filho in _FILHO.finditer(folded):
        # Up to the next person named: "filha de 30 e minha mãe 70" is 30 for the daughter only.
        proxima = _OUTRA_PESSOA.search(folded, filho.end())
        trecho = folded[filho.start(): proxima.start() if proxima else len(folded)]
        idades.extend(idades_da_mensagem(trecho))
    return idades


_IDADE_SOLTA = re.compile(r"(?:(?:mas )?e (?:se for )?)?(?:pra|para|com|de|aos|p/)?\s*(\d{1,3})")


def idade_solta(texto: str | None) -> int | None:
    """A number alone after a quote ("e pra 60?", "e com 70?"), read as another age; None otherwise.

    >>> idade_solta("e pra 60?"), idade_solta("E com 70"), idade_solta("60?"), idade_solta("e pra 2 pessoas?")
    (60, 70, 60, None)
    >>> idade_solta("e pra 150?") is None
    True
    """
    folded = " ".join(strip_accents(texto or "").lower().split()).strip(" ?!.")
    achado = _IDADE_SOLTA.fullmatch(folded)
    idade = int(achado.group(1)) if achado else None
    return idade if idade is not None and idade <= 120 else None
