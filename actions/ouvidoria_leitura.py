"""Reading the answers to the Ombudsman form: the kind of manifestation, the tier, whether the case is told.

Pure functions over the text the person typed, kept apart from the form (actions/ouvidoria.py), which asks the
questions and registers the manifestation.
"""

from __future__ import annotations

import re

from bot.nlu.parsing import find_identifiers, strip_accents

PRIMEIRA, OUVIDORIA = "primeira_instancia", "ouvidoria"
# The answer "no protocol" to the form's first question (a slot value, never shown).
SEM_PROTOCOLO = "sem_protocolo"
TIPOS = {
    "1": "reclamação",
    "2": "reanálise de procedimento negado",
    "3": "elogio",
    "4": "sugestão",
    "5": "denúncia",
}
# The kind named by its own word ("quero fazer uma sugestão"); read before any description.
_PALAVRAS_TIPO = {
    "reclama": "reclamação",
    "reanalis": "reanálise de procedimento negado",
    "negad": "reanálise de procedimento negado",
    "elogi": "elogio",
    "suger": "sugestão",
    "sugest": "sugestão",
    "denunci": "denúncia",
}
# The kind told by what the person describes ("a moça foi grossa"), on accent-free lower case. A message with
# words of two kinds takes the first family here: the specific kinds, then the complaint's dissatisfaction
# before the compliment's praise ("não fui bem atendida" is a complaint).
_FRASES_TIPO = (
    (TIPOS["5"], re.compile(r"\b(fraud|golpe|falsific|propina|subor|irregularidade|cobr\w* por fora)")),
    (
        TIPOS["2"],
        re.compile(
            r"\b(negaram|negou|negativa|recusa|recusou|recusaram|indeferi|rever|revej|revis|reconsider|recorrer"
            r"|recurso|nao (autoriz|liber))"
        ),
    ),
    (
        TIPOS["1"],
        re.compile(
            r"\b(mal atendid|mau atendimento|nao fui (muito )?bem atendid|nao gostei|gross|absurd|descaso|pessim"
            r"|horrivel|ruim|desrespeit|falta de respeito|insatisfeit|demora|atrasad|atraso|indevid"
            r"|ninguem (me )?(resolve|ajuda|responde)"
            r"|nao (me )?(resolve|resolveram|resolveu|responde|responderam))"
        ),
    ),
    (TIPOS["3"], re.compile(r"\b(parabens|gostei|excelente|otimo atendimento|bem atendid|agradec|atencios)")),
    (
        TIPOS["4"],
        re.compile(
            r"\b(sugir|seria (bom|otimo|legal|interessante|melhor) se|(poderiam|podiam|deveriam) "
            r"(colocar|criar|oferecer|disponibilizar|incluir|melhorar|ampliar|aumentar)|uma ideia|minha ideia)"
        ),
    ),
)
# At the tier question: the person already went to the regular service (so the Ombudsman), or not yet.
_JA_TENTOU = re.compile(
    r"\b(ja (liguei|reclamei|tentei|abri|fui|falei|registrei|procurei|entrei|mandei|enviei|passei)|liguei"
    r"|ninguem (me )?(resolve|ajuda|responde|retorna)|nao (me )?(resolve|resolveram|resolveu|responderam"
    r"|retornaram)|varias vezes|\d+ vezes|sem (resposta|retorno|solucao))"
)
_AINDA_NAO_TENTOU = re.compile(r"\bainda nao (liguei|reclamei|tentei|abri|fui|falei|registrei|procurei)")
# Words that only name the kind or fill the sentence; what is left says what happened.
_SEM_CONTEUDO = frozenset(
    "a o as os um uma e eh de do da dos das no na em pra para por com que eu me minha meu quero queria gostaria "
    "fazer registrar deixar abrir mandar enviar sobre favor opcao numero tipo manifestacao isso sim reclamacao "
    "reclamar elogio elogiar sugestao sugerir denuncia denunciar reanalise pedido pedir solicitar ouvidoria "
    "ouvidor aqui voces vcs vc "
    # u23: "ninguém resolve meu problema", "isso não resolveu nada" say the person is unhappy, not what happened.
    "falar ninguem resolve resolveu resolvem resolver problema problemas nada nao mas ja tentei adianta absurdo "
    "descaso palhacada cansado cansada".split()
)
# "3 vezes", "2 meses": a count in the answer, not the option's number.
_QUANTIDADE = re.compile(r"\d+\s*(x\b|vez|vezes|dia|mes|meses|ano|semana|hora|reais)")


def _escolha(folded: str, digitos: str) -> str | None:
    """The digit of a short numbered answer; a number in a sentence or a count of things is no choice.

    >>> _escolha("quero a opcao 2", "12345"), _escolha("liguei 3 vezes", "12345"), _escolha("2 e 3", "12345")
    ('2', None, None)
    """
    numero = re.fullmatch(rf"\D*([{digitos}])\D*", folded)
    if not numero or len(re.findall(r"[a-z]+", folded)) > 4 or _QUANTIDADE.search(folded):
        return None
    return numero.group(1)


def _tipo_descrito(folded: str) -> str | None:
    """The kind told by a description of what happened, on accent-free text.

    >>> _tipo_descrito("a moca foi grossa"), _tipo_descrito("parabens a enfermeira"), _tipo_descrito("oi")
    ('reclamação', 'elogio', None)
    """
    return next((tipo for tipo, padrao in _FRASES_TIPO if padrao.search(folded)), None)


def ler_tipo(texto: str) -> str | None:
    """The kind of manifestation from its word, a description of what happened, or a number (1-5).

    >>> ler_tipo("2"), ler_tipo("quero fazer uma denúncia"), ler_tipo("talvez")
    ('reanálise de procedimento negado', 'denúncia', None)
    >>> ler_tipo("fui mal atendida no presencial, a moça foi grossa"), ler_tipo("parabéns pelo atendimento")
    ('reclamação', 'elogio')
    >>> ler_tipo("seria bom se o app tivesse chat"), ler_tipo("negaram minha cirurgia, quero que revejam")
    ('sugestão', 'reanálise de procedimento negado')
    >>> ler_tipo("o médico cobrou por fora"), ler_tipo("qual o protocolo?")
    ('denúncia', None)
    """
    folded = strip_accents(texto).strip()
    palavra = next((tipo for raiz, tipo in _PALAVRAS_TIPO.items() if raiz in folded), None)
    numero = _escolha(folded, "12345")
    return palavra or _tipo_descrito(folded) or (TIPOS[numero] if numero else None)


def descreve_o_caso(texto: str) -> bool:
    """Whether an answer says what happened, not only which kind it is: four words besides the kind and fillers.

    >>> descreve_o_caso("fui mal atendida no presencial, a moça foi grossa"), descreve_o_caso("quero reclamar")
    (True, False)

    Naming the Ombudsman is no part of the case: "quero fazer uma reclamação na ouvidoria, ninguem resolve nada!!!"
    was registered as the complaint, and the person had not said what it was about.

    >>> descreve_o_caso("quero fazer uma reclamação na ouvidoria, ninguem resolve nada!!!")
    False
    >>> descreve_o_caso("eu quero falar com a ouvidoria, ninguém resolve meu problema")
    False
    >>> descreve_o_caso("mas isso não resolveu nada, quero reclamar")
    False
    """
    palavras = re.findall(r"[a-z]+", strip_accents(texto))
    return sum(palavra not in _SEM_CONTEUDO for palavra in palavras) >= 4


def ler_instancia(texto: str) -> str | None:
    """1 / "primeira" opens the first instance; 2 / "ouvidoria" / "mesmo assim" / "já tentei" goes to the Ombudsman.

    Having already been to the regular service (chat, app, phone, in person) is the reason for the Ombudsman,
    so saying so answers 2; "ainda não tentei" answers 1.

    >>> ler_instancia("1"), ler_instancia("quero a ouvidoria mesmo assim"), ler_instancia("hein")
    ('primeira_instancia', 'ouvidoria', None)
    >>> ler_instancia("ja liguei 3 vezes no 0800 e ninguem resolve meu reembolso")
    'ouvidoria'
    >>> ler_instancia("ainda não liguei"), ler_instancia("opção 2")
    ('primeira_instancia', 'ouvidoria')
    """
    folded = strip_accents(texto).strip()
    if _AINDA_NAO_TENTOU.search(folded):
        return PRIMEIRA
    if _JA_TENTOU.search(folded):
        return OUVIDORIA
    numero = _escolha(folded, "12")
    if numero == "1" or "primeira" in folded or "abrir" in folded:
        return PRIMEIRA
    if numero == "2" or re.search(r"ouvidoria|mesmo assim|insist|registr", folded):
        return OUVIDORIA
    return None


# "quero abrir manifestação na ouvidoria", "registrar na ouvidoria": the Ombudsman's form, whatever else is named.
_QUER_A_OUVIDORIA = re.compile(r"\b(?:quero|queria|vou|gostaria de) (?:\w+ ){0,3}(?:na|a|pra|para a) ouvidoria\b")
# "e se negarem de novo? posso ir na ANS?": the regulator is the step after the Ombudsman.
_ANS = re.compile(r"\b(?:ans|agencia nacional de saude)\b")
CAMINHO_ATE_A_ANS = (
    "O caminho é: primeiro o atendimento (primeira instância); se não resolver, a Ouvidoria da Cemig Saúde "
    "(segunda instância), que responde em até 7 dias úteis; e, se ainda assim não concordar, a ANS (Agência "
    "Nacional de Saúde Suplementar), em www.ans.gov.br, no \"Espaço do Consumidor\". Tenha à mão os números de "
    "protocolo."
)
RECLAMAR_NA_ANS = f"Pode. {CAMINHO_ATE_A_ANS}"


def pergunta_ans(texto: str) -> bool:
    """Whether a message asks about taking a case to the ANS, the regulator.

    A message that asks to register with the Ombudsman ("quero abrir manifestação na ouvidoria antes de ir na
    ANS") is the Ombudsman's.

    >>> pergunta_ans("e se negarem de novo? posso ir na ANS?"), pergunta_ans("reclamo na agência nacional de saúde?")
    (True, True)
    >>> pergunta_ans("e se a ouvidoria nao resolver posso reclamar na ANS?"), pergunta_ans("qual o telefone da ANS?")
    (True, True)
    >>> pergunta_ans("quero o informe do IR"), pergunta_ans("o plano cobre a lista da ans?")
    (False, False)
    >>> pergunta_ans("quero abrir manifestação na ouvidoria antes de ir na ANS")
    False
    """
    folded = strip_accents(texto).lower()
    if not _ANS.search(folded) or _QUER_A_OUVIDORIA.search(folded):
        return False
    return bool(
        re.search(r"\b(?:reclam\w*|denunci\w*|recorr\w*|ir na|ir a|ir pra|procurar|acionar|registrar|abrir|"
                  r"telefone|contato|site|numero)\b", folded)
    )


def so_um_protocolo(texto: str) -> bool:
    """Whether a message is a protocol number and at most two other words ("protocolo 4175...", "é o 4175...").

    >>> so_um_protocolo("protocolo 41750520261206000019")
    True
    >>> so_um_protocolo("o médico foi grosso, protocolo 41750520261206000019")
    False
    """
    protocolos = [f for f in find_identifiers(texto) if f.entity == "protocolo"]
    if not protocolos:
        return False
    resto = texto[: protocolos[0].start] + texto[protocolos[0].end :]
    return len(re.findall(r"\w+", resto)) <= 2
