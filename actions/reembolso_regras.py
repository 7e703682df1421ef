"""What the reimbursement rules say to anyone (Arts. 71-72): how to ask, which documents, when it is paid.

None of it depends on whose data: it is answered before any identification, and beside a person's requests.
"""

from __future__ import annotations

import re
from typing import List

from bot.canais import ENVIO_DE_DOCUMENTOS
from bot.nlu.parsing import find_identifiers, strip_accents
from bot.regulation.reimbursement import OPME_REQUIRED_DATA, REIMBURSEMENT_CONDITIONS, REQUIRED_DOCUMENTS

SITE = "www.cemigsaude.org.br"

STATUS = {
    "em_analise": "Em análise",
    "pendente_documentos": "Aguardando documentos",
    "aprovado": "Aprovado, aguardando pagamento",
    "pago": "Pago",
    "negado": "Negado",
}

ORIENTACAO_COMO_PEDIR = (
    "*Como pedir reembolso*\n"
    f"Preencha o formulário de reembolso no site {SITE} e envie com os documentos abaixo. "
    "O pagamento sai em até 30 dias depois da entrega de todos eles (Art. 72 do Regulamento)."
)
ORIENTACAO_DOCUMENTOS = "\n".join(
    ["*Documentos (Art. 72 do Regulamento)*"]
    + [f"{numeral}. {texto}" for numeral, texto in REQUIRED_DOCUMENTS.items()]
    + [
        "Materiais especiais, órteses e próteses (OPME): informe "
        f"{', '.join(OPME_REQUIRED_DATA[:-1])} e {OPME_REQUIRED_DATA[-1]} (Art. 72, §6º)."
    ]
)
ORIENTACAO_QUANDO = "\n".join(
    ["*Quando há reembolso (Arts. 71 e 72 do Regulamento)*"] + [f"• {regra}" for regra in REIMBURSEMENT_CONDITIONS]
)
ORIENTACAO = (ORIENTACAO_COMO_PEDIR, ORIENTACAO_DOCUMENTOS, ORIENTACAO_QUANDO)

# "como está meu reembolso" asks for the status, not for the procedure.
_COMO_STATUS = re.compile(r"\bcomo (esta|estao|anda|andam|ta|ficou|fica)\b")
_COMO_PEDIR = re.compile(
    r"\b(como|pedir|peco|solicitar|solicito|documento|documentos|direito|dar entrada|ressarcid[oa])\b"
)
# "e o prazo?", "quando vou receber?", "quanto tempo demora?": the deadlines of the open requests, not the list again.
_PRAZO = re.compile(
    r"\b(?:prazos?|previsao|quanto tempo|quanto falta|demora\w*|quando (?:\w+ ){0,3}?(?:pag\w*|receb\w*|sai|cai|caira|"
    r"deposit\w*|vem|chega))\b"
)
ABERTOS = ("em_analise", "pendente_documentos", "aprovado")
REGRA_DO_PAGAMENTO = (
    "O reembolso é pago em até 30 dias depois da entrega de todos os documentos (Art. 72 do Regulamento)."
)
PRAZO_PARA_PEDIR = (
    "*Prazo para pedir*\nO Regulamento não fixa um prazo para pedir o reembolso; o prazo que ele fixa é o do "
    "pagamento: até 30 dias depois da entrega de todos os documentos (Art. 72), e ele fica suspenso enquanto faltar "
    "um documento que a Cemig Saúde pedir (§4º). Peça assim que tiver os documentos: só as despesas do próprio "
    "atendimento de urgência ou emergência são reembolsadas (§5º)."
)
CONSULTA_ELETIVA = (
    "O reembolso do Regulamento é para atendimentos de urgência e emergência (Arts. 71 e 72): uma consulta ou um "
    "exame marcado com um profissional particular, fora da rede, não é reembolsado. Para consultas, use a rede "
    "credenciada (www.cemigsaude.org.br) ou o CPS."
)
# "qual o prazo máximo pra pedir reembolso?", "até quando posso dar entrada?": the deadline to file, not to be paid.
_LIMITE = re.compile(r"\b(?:prazos?|ate quando|quanto tempo|tempo (?:maximo|limite)|limite|quantos dias|validade)\b")
_PEDIR = re.compile(r"\b(?:pedir|solicitar|dar entrada|entrar com|apresentar|protocolar)\b")
_RECEBER = re.compile(r"\b(?:receb\w*|pag[oa]\w*|cai|cair|sai|demora\w*|depositad\w*)\b")
# "e o prazo?" alone, before identifying: the rule, since no request of anyone is in question yet.
_SO_O_PRAZO = re.compile(r"^\W*(?:e\s+)?(?:qual\s+(?:e\s+)?)?(?:o\s+)?prazos?(?:\s+(?:do|de)\s+reembolso)?\W*$")
# "meu reembolso", "paguei 1280": one's own request, which needs one's data.
_PROPRIO = re.compile(r"\b(?:meu|minha|meus|minhas|paguei|gastei|recebi)\b")
# "consulta particular tem reembolso?", "fui num médico fora da rede, vocês reembolsam?"
_ELETIVA = re.compile(r"\b(?:particular|fora da rede|nao credenciad\w*|eletiv\w*|sem ser (?:da|pela) rede)\b")
_URGENCIA = re.compile(r"\b(?:urgencia|emergencia|pronto.?socorro|ps|uti|internad\w*|internac\w*)\b")


def pergunta_prazo_para_pedir(texto: str) -> bool:
    """Whether the message asks until when a reimbursement can be asked for.

    >>> pergunta_prazo_para_pedir("qual o prazo maximo pra pedir reembolso?")
    True
    >>> pergunta_prazo_para_pedir("e o prazo pra pedir?")
    True
    >>> pergunta_prazo_para_pedir("até quando posso dar entrada no reembolso de março?")
    True
    >>> pergunta_prazo_para_pedir("quanto tempo demora pra receber depois de pedir?")
    False
    >>> pergunta_prazo_para_pedir("e o prazo?")
    False
    >>> pergunta_prazo_para_pedir("qual o prazo do meu pedido?")
    False
    """
    folded = strip_accents(texto).lower()
    return bool(_LIMITE.search(folded) and _PEDIR.search(folded) and not _RECEBER.search(folded))


def pergunta_consulta_eletiva(texto: str) -> bool:
    """Whether the message asks about reimbursing a private, elective visit.

    >>> pergunta_consulta_eletiva("consulta particular tem reembolso?"), pergunta_consulta_eletiva("fora da rede")
    (True, True)
    >>> pergunta_consulta_eletiva("paguei particular no pronto-socorro, tem reembolso?")
    False
    """
    folded = strip_accents(texto).lower()
    return bool(_ELETIVA.search(folded)) and not _URGENCIA.search(folded)


def pede_orientacao(texto: str) -> bool:
    """Whether the message asks how to request a reimbursement.

    >>> pede_orientacao("quais documentos preciso?"), pede_orientacao("como está meu reembolso")
    (True, False)
    """
    folded = strip_accents(texto)
    return bool(_COMO_PEDIR.search(_COMO_STATUS.sub(" ", folded)))


def pergunta_prazo(texto: str) -> bool:
    """Whether the message asks when a reimbursement is paid.

    >>> pergunta_prazo("e o prazo?"), pergunta_prazo("quando vou receber?"), pergunta_prazo("quando cai o dinheiro")
    (True, True, True)
    >>> pergunta_prazo("quanto falta pra cair?")
    True
    >>> pergunta_prazo("meus reembolsos"), pergunta_prazo("como peço reembolso?")
    (False, False)
    """
    return bool(_PRAZO.search(strip_accents(texto).lower()))


# "quero recorrer da negativa do reembolso", "como contesto o reembolso negado?"
_REVISAO = re.compile(r"\b(?:recorr\w*|recurso|contest\w*|reanalis\w*|rever|revisao|discord\w*|nao concord\w*)\b")
REVISAO_DO_REEMBOLSO = (
    "Não concorda com a negativa? Se ela foi por falta de documentos, abra um novo pedido com a documentação "
    "completa (Art. 72, §3º, do Regulamento). Por outro motivo, digite 0 e um atendente registra o seu pedido de "
    "revisão com o protocolo do reembolso; se a resposta não resolver, a Ouvidoria (segunda instância) recebe o "
    "caso com esse protocolo."
)
VALOR_PELA_TABELA = (
    "O reembolso é calculado pela tabela de preços da Cemig Saúde (LPP, Art. 72 do Regulamento; está em "
    "www.cemigsaude.org.br), e não pelo valor pago ao profissional: quando o preço cobrado é maior que o da tabela, "
    "a diferença não é reembolsada."
)
# "como vocês calculam o reembolso?", "qual a tabela?", "e quanto eles devolvem?": the rule of Art. 72.
_CALCULO = re.compile(
    r"\b(?:como (?:voces |vcs |vc )?calcul\w*|calculo do reembolso|tabela (?:lpp|de precos|de reembolso)|lpp|"
    r"quanto (?:eles |voces |vcs |a cemig )?(?:devolve\w*|reembols\w*|paga\w* de volta|ressarc\w*)|"
    r"(?:devolve\w*|reembols\w*) (?:tudo|o valor todo|quanto))\b"
)


def pede_revisao(texto: str) -> bool:
    """Whether a message disagrees with a reimbursement's decision ("quero recorrer da negativa do reembolso").

    >>> pede_revisao("quero recorrer da negativa do reembolso"), pede_revisao("meus reembolsos")
    (True, False)
    """
    return bool(_REVISAO.search(strip_accents(texto).lower()))


def pergunta_calculo(texto: str) -> bool:
    """Whether a message asks how a reimbursement is calculated ("e quanto eles devolvem?").

    >>> pergunta_calculo("e quanto eles devolvem?"), pergunta_calculo("meus reembolsos")
    (True, False)
    """
    return bool(_CALCULO.search(strip_accents(texto).lower()))


# "como eu mando o relatorio e o recibo que falta?": documents for a request already open, not a new request.
_QUE_FALTA = re.compile(
    r"\b(?:que (?:falta\w*|esta\w* faltando|ta faltando|pediram|pediu)|faltante\w*|pendente\w*|complementa\w*)\b"
)
DOCUMENTOS_QUE_FALTAM = (
    f"Documentos que faltam num pedido de reembolso já aberto vão para esse mesmo pedido: {ENVIO_DE_DOCUMENTOS} "
    "Cite o protocolo do reembolso; não é preciso abrir outro. O prazo de pagamento fica parado até eles chegarem "
    "e corre de novo depois (Art. 72, §4º, do Regulamento)."
)


# "como mando o relatorio do medico pro reembolso?": where documents go, not the whole list of documents (u17).
_COMO_ENVIAR = re.compile(
    r"\b(?:como|onde|aonde|por onde|pra onde|para onde)\b.{0,25}\b(?:mand\w*|envi\w*|anex\w*|entreg\w*)\b"
)
_UM_DOCUMENTO = re.compile(
    r"\b(?:document\w*|relatorio|laudo|recibo|nota|comprovante|exames?|receita|arquivo|foto)s?\b"
)
ENVIO_DOS_DOCUMENTOS = (
    f"{ENVIO_DE_DOCUMENTOS} Num pedido novo, eles vão com o formulário de reembolso; num pedido já aberto, cite o "
    "protocolo dele e eles vão para esse mesmo pedido, sem abrir outro (Art. 72, §4º, do Regulamento). Por aqui eu "
    "só leio mensagens de texto."
)


def orientacao_do_reembolso(texto: str) -> List[str]:
    """The general answer a reimbursement question gets, or an empty list when it asks about someone's requests.

    >>> orientacao_do_reembolso("como eu mando o relatorio e o recibo que falta?") == [DOCUMENTOS_QUE_FALTAM]
    True
    >>> orientacao_do_reembolso("meus reembolsos"), len(orientacao_do_reembolso("como peço reembolso?"))
    ([], 3)
    >>> orientacao_do_reembolso("como mando o relatorio do medico pro reembolso?") == [ENVIO_DOS_DOCUMENTOS]
    True
    """
    folded = strip_accents(texto).lower()
    if pergunta_prazo_para_pedir(texto):
        return [PRAZO_PARA_PEDIR]
    if pergunta_consulta_eletiva(texto):
        return [CONSULTA_ELETIVA]
    if _SO_O_PRAZO.match(folded):
        return [REGRA_DO_PAGAMENTO]
    if _CALCULO.search(folded) and not _PROPRIO.search(folded):
        return [VALOR_PELA_TABELA]  # "e quanto eles devolvem?": how it is calculated, for anyone
    if pede_orientacao(texto) and _QUE_FALTA.search(folded):
        return [DOCUMENTOS_QUE_FALTAM]
    if _COMO_ENVIAR.search(folded) and _UM_DOCUMENTO.search(folded):
        return [ENVIO_DOS_DOCUMENTOS]
    return list(ORIENTACAO) if pede_orientacao(texto) and not find_identifiers(texto) else []


# u19: "quanto vou receber?" and "o que falta mandar?" after the list got the whole list again.
_QUANTO_RECEBE = re.compile(
    r"\bquanto (?:eu )?(?:vou|vai|irei|iria|vamos) (?:receber|ser reembolsad\w*|voltar|ter de volta)\b|"
    r"\bquanto (?:vem|volta|cai|me devolvem|vao me devolver|vou ter de volta)\b|"
    r"\bqual (?:e )?o valor (?:que )?(?:vou receber|eu vou receber|do (?:meu )?reembolso)\b"
)
_O_QUE_FALTA = re.compile(
    r"\b(?:o que|que|quais?(?: documentos?| papeis| papeis)?) (?:ainda )?(?:falta|faltam|ta faltando|esta faltando|"
    r"estao faltando|tao faltando|preciso mandar|tenho que mandar|devo mandar)\b"
)


def pergunta_quanto_recebe(texto: str) -> bool:
    """Whether the message asks how much the reimbursement will pay.

    >>> pergunta_quanto_recebe("quanto vou receber?"), pergunta_quanto_recebe("qual o valor do reembolso?")
    (True, True)
    >>> pergunta_quanto_recebe("quando vou receber?")
    False
    """
    return bool(_QUANTO_RECEBE.search(strip_accents(texto).lower()))


def pergunta_o_que_falta(texto: str) -> bool:
    """Whether the message asks which documents are still missing.

    >>> pergunta_o_que_falta("o que falta mandar?"), pergunta_o_que_falta("quais documentos estão faltando?")
    (True, True)
    >>> pergunta_o_que_falta("quanto falta pra cair?")
    False
    """
    return bool(_O_QUE_FALTA.search(strip_accents(texto).lower()))
