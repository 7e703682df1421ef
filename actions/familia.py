"""The family as the actions see it: who a beneficiary may see, and whom a question names.

A titular sees the dependants' data; a dependant only their own (regulation Art. 17 §2). A question may name a
family member by relationship ("da minha filha") or by name; for a dependant, a relationship word names someone
else, whose data they may not see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List

from sqlalchemy.orm import Session

from bot.canais import TELEFONE_24H
from bot.db import repository
from bot.nlu.parsing import strip_accents


@dataclass(frozen=True)
class Pessoa:
    """What the actions need to know about one beneficiary."""

    id: int
    nome: str
    cartao: str
    parentesco: str
    titular: bool
    status: str


# How people name a family member in a question ("e o da minha filha?") -> relationship codes of the register.
PARENTESCOS_CITADOS: Dict[str, tuple[str, ...]] = {
    "filha": ("filha",),
    "filho": ("filho",),
    "menina": ("filha",),
    "menino": ("filho",),
    "esposa": ("conjuge", "companheiro"),
    "esposo": ("conjuge", "companheiro"),
    "marido": ("conjuge", "companheiro"),
    "mulher": ("conjuge", "companheiro"),
    "conjuge": ("conjuge", "companheiro"),
    "companheira": ("conjuge", "companheiro"),
    "companheiro": ("conjuge", "companheiro"),
    "pai": ("pai",),
    "mae": ("mae",),
    "enteado": ("enteado",),
    "enteada": ("enteado",),
    "neto": ("neto",),
    "neta": ("neto",),
}


# "da minha esposa", "o cartão dela": someone else, for a dependant who may see only their own data.
_OUTRA_PESSOA = re.compile(
    rf"\b(?:(?:minha|meu|da|do|de|pra|para) (?:{'|'.join(PARENTESCOS_CITADOS)}|titular|irma|irmao|sogra|sogro)|"
    r"dela|dele)\b"
)
_NOME_CITADO = re.compile(r"\b(?:da|do)\s+([A-ZÁÉÍÓÚÂÊÔÃÕ][a-záéíóúâêôãõç]{2,})\b")
# Capitalised words after "da"/"do" that are not people: the operator, its sponsors, places people write.
_NAO_NOMES = frozenset(
    "cemig saude forluz unimed sus samu cps plano ura whatsapp telegram brasil bh rio minas contagem".split()
)
# u19: a father in the emergency room asking for his 14-year-old's card read "só ela mesma… consulta", with no way
# to get it: the titular, or the Central, which is open all night. u25: "Seguem os seus:" before "your fees come on the
# titular's boleto" announced data that never came.
AVISO_SO_OS_SEUS = (
    "Por segurança, cada dependente vê só os próprios dados: os de outra pessoa do plano, só o titular consulta "
    "(ou a própria pessoa, se for maior de idade). Se precisa deles agora, peça ao titular ou ligue para a Central "
    f"de Relacionamento: {TELEFONE_24H}. Abaixo, o que vale para você:"
)


def cita_outra_pessoa(texto: str, dependente: "Pessoa", outros_nomes: Iterable[str] = ()) -> bool:
    """Whether a dependant's request names another family member ("da minha esposa", "dela").

    A relationship word in a dependant's mouth is relative to them, never to the titular, so only their own
    first name counts as naming themselves.

    >>> jose = Pessoa(2, "José Souza", "2", "conjuge", False, "ativo")
    >>> cita_outra_pessoa("os reembolsos da minha esposa", jose), cita_outra_pessoa("e o cartão dela?", jose)
    (True, True)
    >>> cita_outra_pessoa("meus reembolsos", jose), cita_outra_pessoa("o reembolso do José, meu", jose)
    (False, False)
    >>> cita_outra_pessoa("e da Ana?", jose), cita_outra_pessoa("e os reembolsos da Maria", jose)
    (True, True)
    >>> cita_outra_pessoa("e a utilizacao da ana", jose, ["ana", "maria"])  # the family's names, lowercase too
    True

    Args:
        texto: The request.
        dependente: The dependant who asks.
        outros_nomes: First names of the rest of their family, folded, which count however they are written.
    """
    folded = strip_accents(texto).lower()
    proprio = strip_accents(dependente.nome.split()[0]).lower()
    if re.search(rf"\b{re.escape(proprio)}\b", folded):
        return False
    # "e da Ana?": someone named, as people write a name (capitalised), after "da"/"do".
    nomes = [strip_accents(n).lower() for n in _NOME_CITADO.findall(texto)]
    if any(re.search(rf"\b{re.escape(nome)}\b", folded) for nome in outros_nomes):
        return True
    return bool(_OUTRA_PESSOA.search(folded)) or any(nome not in _NAO_NOMES for nome in nomes)


def outros_nomes_da_familia(beneficiario_id: int, *, session: Session) -> List[str]:
    """First names of the rest of a beneficiary's family, folded: only to notice them named, never to show."""
    row = repository.get_beneficiary(beneficiario_id, session=session)
    if row is None:
        return []
    familia = repository.list_family(repository.family_titular_id(row), session=session)
    return [strip_accents(m.name.split()[0]).lower() for m in familia if m.id != row.id]


def pessoa_citada(texto: str, pessoas: List["Pessoa"]) -> str | None:
    """The id of the family member a question names ("da minha filha", "da Ana"), or None.

    Only people the user may see are candidates, and a word that fits two of them (two daughters) names
    nobody, so the bot asks "de quem?" as before. A message that names several ("o meu e o do meu marido", "da
    Ana e do José") gets their ids joined by commas, in the family's order: the answer covers each of them.

    >>> familia = [Pessoa(1, "Carlos Lima", "1", "titular", True, "ativo"),
    ...            Pessoa(2, "Ana Lima", "2", "filha", False, "ativo"),
    ...            Pessoa(3, "Rita Lima", "3", "conjuge", False, "ativo")]
    >>> pessoa_citada("e o da minha filha?", familia), pessoa_citada("e o da Ana?", familia)
    ('2', '2')
    >>> pessoa_citada("e o prazo?", familia) is None
    True
    >>> pessoa_citada("e o meu?", familia), pessoa_citada("e os meus mesmo", familia), pessoa_citada("e eu?", familia)
    ('1', '1', '1')
    >>> pessoa_citada("quais consultas eu fiz?", familia), pessoa_citada("quais consultas a gente fez?", familia)
    ('1', None)
    >>> pessoa_citada("quero o meu e o da minha esposa", familia), pessoa_citada("da Ana e da Rita", familia)
    ('1,3', '2,3')
    >>> pessoa_citada("Boa noite minha filha. Sou o Carlos, quanto gastei esse ano?", familia)
    '1'
    >>> pessoa_citada("o da minha filha e o meu", familia), pessoa_citada("o do meu filho", familia)
    ('1,2', None)
    """
    folded = _VOCATIVO.sub(" ", strip_accents(texto).lower())
    palavras = set(re.findall(r"[a-z]+", folded))
    nomes = {p.id: strip_accents(p.nome.split()[0]).lower() for p in pessoas}
    por_palavra = [
        {p.id for p in pessoas if p.parentesco in PARENTESCOS_CITADOS.get(palavra, ()) or nomes[p.id] == palavra}
        for palavra in palavras
    ]
    if any(len(ids) > 1 for ids in por_palavra):
        return None
    citadas = set().union(*por_palavra)
    if not citadas and pessoas and (_A_SI_MESMO.search(folded) or _EU_FIZ.search(folded)):
        # "e o meu?" after seeing the daughter's: the user's own (pessoas_visiveis puts them first).
        return str(pessoas[0].id)
    if citadas and pessoas and _TAMBEM_O_MEU.search(folded):
        citadas.add(pessoas[0].id)
    return ",".join(str(p.id) for p in pessoas if p.id in citadas) or None


def ids_escolhidos(escolha: str) -> set[str]:
    """The ids of an answer to "de quem?" that names one person or several (``"7,9"``).

    >>> sorted(ids_escolhidos("7,9")), ids_escolhidos("7")
    (['7', '9'], {'7'})
    """
    return set(escolha.split(","))


_TODOS = re.compile(r"\b(?:todos|todas|todo mundo|toda a familia|familia toda|familia inteira|de cada um)\b")


def fala_de_todos(texto: str) -> bool:
    """Whether a message asks for the whole family ("mostra de todo mundo", "e de todos?").

    >>> fala_de_todos("mostra de todo mundo"), fala_de_todos("e da familia toda?"), fala_de_todos("mostra mais")
    (True, True, False)
    """
    return bool(_TODOS.search(strip_accents(texto).lower()))


_PRIMEIRA_PESSOA = frozenset({"eu", "mim", "comigo", "meu", "minha", "meus", "minhas"})


def fala_de_si(texto: str) -> bool:
    """Whether a message speaks of its writer in the first person and names no relative.

    >>> fala_de_si("e quais consultas eu fiz em 2025?"), fala_de_si("nao, as MINHAS"), fala_de_si("e o prazo?")
    (True, True, False)
    >>> fala_de_si("e as da minha filha?"), fala_de_si("e o do meu marido?")
    (False, False)
    """
    palavras = re.findall(r"[a-z]+", strip_accents(texto).lower())
    if any(palavra in PARENTESCOS_CITADOS for palavra in palavras):
        return False
    return any(palavra in _PRIMEIRA_PESSOA for palavra in palavras)


# "quais consultas eu fiz?", "quanto eu paguei?": the user did it, so the user's own data, not "de quem?".
_EU_FIZ = re.compile(r"\beu (?:ja |mesm[oa] )?(?:fiz|usei|utilizei|paguei|pedi|tive|fui|gastei|consultei|solicitei)\b")
# A short follow-up about the user's own data: "e o meu?", "e as minhas?", "e eu?".
_A_SI_MESMO = re.compile(
    r"^\W*(?:e\s+)?(?:(?:(?:e|o|a|os|as)\s+)?(?:meu|minha|meus|minhas)(?:\s+mesm[oa]s?)?|eu|de mim|(?:pra|para) mim)"
    r"(?:\s+(?:agora|entao|tambem|tb))?\W*$"
)


# "Boa noite minha filha. Sou a Maria...": how older people address whoever answers, not the daughter.
_VOCATIVO = re.compile(
    r"^\W*(?:(?:oi|ola|opa|bom dia|boa tarde|boa noite|obrigad[oa])\W+)?(?:minha|meu)\s+"
    r"(?:filha|filho|querid[oa]|anjo|amor|bem|flor|jovem)\s*[,.!;]"
)
# "o meu e o do meu marido", "eu e minha filha", "o da Ana e o meu": the user besides the relatives named.
_TAMBEM_O_MEU = re.compile(r"\b(?:eu|meus?|minhas?)\s*(?:[,.!?]|\be\b|\btambem\b|\btb\b|$)")


# "agora é o josé aqui", "aqui é a Ana", "sou o marido dela", "passei o celular pro meu marido": someone else is
# writing on the phone of whoever identified.
_DECLARA = re.compile(
    r"\b(?:(?:agora|aqui)\s+(?:e|eh|quem fala e|quem escreve e)|quem (?:fala|escreve|ta falando|esta falando)"
    r"(?:\s+agora)?\s+e|(?:eu\s+)?sou|meu nome e|(?:aqui\s+)?fala)\s+(?:o\s+|a\s+)?([a-z]{3,})(?:\s+(dela|dele))?"
    r"(?=\s*(aqui|falando|escrevendo)?)"
)
# Who in a family may be its children's father or mother.
_PAIS_POSSIVEIS = frozenset({"titular", "conjuge", "companheiro"})
_PASSOU = re.compile(
    r"\b(?:outra pessoa (?:aqui|falando|escrevendo|usando)|(?:(?:ela|ele) (?:me )?)?pass(?:ei|ou|o) o "
    r"(?:celular|telefone|zap|whats\w*)(?: (?:pr[oa]|para))?)\b"
)
_NAO_NOMEIA = frozenset(
    "titular dependente cliente beneficiario beneficiaria associado associada responsavel mesmo mesma eu ela ele "
    "alergico alergica diabetico diabetica idoso idosa aposentado aposentada nova novo casado casada".split()
)


def outra_pessoa_escreve(texto: str, proprio: str, familia: Iterable[str] = (), parentesco: str = "") -> bool:
    """Whether a message says that someone other than the identified person is writing now.

    Args:
        texto: The message.
        proprio: First name of who identified (folded: lower case, no accents).
        familia: First names of the rest of that family (folded), to tell "agora é o josé" from "agora é o boleto".
        parentesco: The relationship code of who identified ("titular", "conjuge", "filha"...).

    >>> outra_pessoa_escreve("agora é o josé aqui, marido dela. quero ver a utilizaçao da ana", "maria", ["jose"])
    True
    >>> outra_pessoa_escreve("aqui é a Ana", "maria", ["jose", "ana"])
    True
    >>> outra_pessoa_escreve("sou o marido dela", "maria"), outra_pessoa_escreve("ela me passou o celular", "maria")
    (True, True)
    >>> outra_pessoa_escreve("passei o celular pro meu marido", "maria")
    True
    >>> outra_pessoa_escreve("Olá, fala o marido dela. Queria saber da minha autorização", "maria")
    True
    >>> outra_pessoa_escreve("agr quem ta falando é a esposa dele, maria", "jose", ["maria", "ana"])
    True
    >>> outra_pessoa_escreve("nao, eu sou a maria, a titular", "jose", ["maria", "ana"])
    True
    >>> outra_pessoa_escreve("meu nome é Pedro", "maria")
    True

    The person introducing themselves, or saying what they are, is not someone else:

    >>> outra_pessoa_escreve("oi, sou a Maria", "maria", ["jose"]), outra_pessoa_escreve("sou diabética", "maria")
    (False, False)
    >>> outra_pessoa_escreve("agora é o boleto de dezembro", "maria", ["jose"])
    False

    A parent in the family saying so speaks of a child (u19: José, identified, was logged out by "quero ver a
    utilização da ana, sou pai dela"):

    >>> outra_pessoa_escreve("quero ver a utilizacao da ana, sou pai dela", "jose", ["maria", "ana"], "conjuge")
    False
    >>> outra_pessoa_escreve("sou a mae dela", "ana", ["maria", "jose"], "filha")
    True

    Nor is a spouse saying he is the spouse (u26: José was logged out by "sou o marido dela, ela deixou"):

    >>> outra_pessoa_escreve("sou o marido dela, ela deixou", "jose", ["maria", "ana"], "conjuge")
    False
    """
    folded = strip_accents(texto).lower()
    if _PASSOU.search(folded):
        return True
    conhecidos = set(familia)
    for match in _DECLARA.finditer(folded):
        palavra, terceira, onde = match.group(1), match.group(2), match.group(3)
        if palavra == proprio or palavra in _NAO_NOMEIA:
            continue
        if terceira and palavra in ("pai", "mae") and parentesco in _PAIS_POSSIVEIS:
            continue  # "sou pai dela": a titular or a spouse is the parent of the family's children
        if terceira and parentesco in PARENTESCOS_CITADOS.get(palavra, ()):
            continue  # u26: José, the titular's spouse, logged out by "sou o marido dela, ela deixou"
        if terceira and palavra in PARENTESCOS_CITADOS:
            return True  # "sou o marido dela"
        if palavra in PARENTESCOS_CITADOS:
            continue  # "sou a mãe da Ana": who identified may be her mother
        apresenta = match.group(0).startswith(("aqui", "meu nome", "quem"))
        if palavra in conhecidos or onde or (apresenta and palavra not in _PALAVRAS_DE_ASSUNTO):
            return True
    return False


def diz_quem_escreve(texto: str) -> bool:
    """Whether a message says who is writing at all: the cheap test before :func:`outra_pessoa_escreve`.

    >>> diz_quem_escreve("agora é o josé, marido dela"), diz_quem_escreve("meu boleto")
    (True, False)
    """
    folded = strip_accents(texto).lower()
    return bool(_DECLARA.search(folded) or _PASSOU.search(folded))


# Words that follow "aqui é o..." without naming anyone ("aqui é o mesmo problema").
_PALAVRAS_DE_ASSUNTO = frozenset(
    "mesmo problema boleto plano pedido caso seguinte assunto reembolso cartao numero protocolo".split()
)


def _pessoa(row: Any) -> Pessoa:
    return Pessoa(
        id=row.id,
        nome=row.name,
        cartao=row.card_number,
        parentesco=row.relationship,
        titular=row.kind == "titular",
        status=row.status,
    )


def pessoas_visiveis(beneficiario_id: int, *, session: Session) -> List[Pessoa]:
    """The people whose data the identified beneficiary may see, themselves first.

    Args:
        beneficiario_id: The identified beneficiary.
        session: Open database session.

    Returns:
        The titular and their dependants for a titular; only the beneficiary
        for a dependant (Art. 17 §2). Empty if the id no longer exists.
    """
    row = repository.get_beneficiary(beneficiario_id, session=session)
    if row is None:
        return []
    if row.kind != "titular":
        return [_pessoa(row)]
    return [_pessoa(member) for member in repository.list_family(row.id, session=session)]
