"""Asking for the reanalysis of a denied authorization, from the authorization's own answer.

A denied guide ends with "Não concorda? Escreva *quero reanálise*". That message was read as the Ombudsman:
the person got the two tiers explained, was asked for a first-instance protocol, then to choose the tier, then to
tell the case, and the ticket did not say which guide. Asked by an identified beneficiary who can see a denied
guide, without a protocol and without naming the Ombudsman, the reanalysis is a first-instance request (the
Ombudsman is the second instance, RN 323/2013): the bot names the guide, asks why the person disagrees, and the
ticket carries the guide, the procedure, the person and the reason of the denial (Art. 77, §2º, of the
Regulamento: the doctor's report supports it).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, List, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.base import beneficiario_identificado, db_session, hoje
from actions.contexto import assunto_atual, reler_no_assunto, resposta_anterior
from actions.familia import Pessoa, pessoas_visiveis
from actions.formatting import first_name, format_date
from actions.guias import descrever, guias_nomeadas, reanalises_abertas
from actions.ouvidoria_leitura import PRIMEIRA, SEM_PROTOCOLO, TIPOS
from actions.reembolso_regras import pede_revisao
from bot.db import repository
from bot.nlu.parsing import strip_accents

# The slot that keeps the guide between the question and the registration (domain.yml).
SLOT_GUIA = "ouvidoria_guia"
# u17: "o exame do meu marido foi negado, quero que revisem" went to the Ombudsman's tiers.
_PEDE = re.compile(
    r"\b(?:reanalis\w*|recorr\w*|recurso|rever|revis\w*|reconsider\w*|reavali\w*|anali[sz]\w* de novo)\b"
)
_OUVIDORIA = re.compile(r"\bouvidor\w*")


def pede_reanalise(texto: str) -> bool:
    """Whether the message asks to review a denial, and not the Ombudsman by name.

    >>> pede_reanalise("quero reanálise"), pede_reanalise("quero recorrer da negativa da artroscopia")
    (True, True)
    >>> pede_reanalise("o exame foi negado, quero que revisem"), pede_reanalise("podem reavaliar a negativa?")
    (True, True)
    >>> pede_reanalise("quero pedir reanálise na ouvidoria"), pede_reanalise("quero fazer uma reclamação")
    (False, False)
    """
    folded = strip_accents(texto).lower()
    return bool(_PEDE.search(folded)) and not _OUVIDORIA.search(folded)


_DISCORDA = re.compile(
    r"\b(?:absurd\w*|discord\w*|nao concord\w*|injust\w*|nao aceito|inaceitavel|"
    # u27: "se a ressonância que o médico pediu precisa de autorização" filed a review: a doctor ordering something
    # ("pediu", "mandou") or "preciso fazer" is no disagreement.
    r"(?:o |meu |a minha |minha )?medic[oa] (?:disse|falou)|preciso dess[ae])\b"
)
# "pq negaram? o medico disse q eu preciso": why it was denied, asked before anything is filed.
_POR_QUE_NEGARAM = re.compile(
    r"\b(?:pq|por ?que|porque|qual (?:e |foi )?o motivo)\b.{0,25}\b(?:neg\w*|recus\w*|indefer\w*)"
)
# "posso recorrer?", "como recorro": how to, answered with the rule; a statement ("quero recorrer") is the request.
_COMO = re.compile(r"^\W*(?:e agora\W*)?(?:como|posso|pode|da pra|tem como|o que|oq|qual|quais|onde|quando)\b")


def por_que_negaram(texto: str) -> bool:
    """Whether a message asks why something was denied.

    >>> por_que_negaram("pq negaram? o medico disse q eu preciso"), por_que_negaram("quero recorrer")
    (True, False)
    """
    return bool(_POR_QUE_NEGARAM.search(strip_accents(texto).lower()))


def discorda_da_negativa(texto: str) -> bool:
    """Whether a message disagrees with a decision ("isso é um absurdo, meu médico disse que preciso").

    >>> discorda_da_negativa("isso é um absurdo, meu médico disse que preciso"), discorda_da_negativa("não concordo")
    (True, True)
    >>> discorda_da_negativa("quero ver minhas guias")
    False
    """
    return bool(_DISCORDA.search(strip_accents(texto).lower()))


def negativa_lida(events: List[Dict[str, Any]], texto: str) -> bool:
    """Whether the assistant's answer just before ``texto`` showed a denied guide (where disagreeing means a review).

    u27: a message with three requests, one of them whether an MRI needs authorization, filed a review of the
    husband's denied guide nobody had mentioned.
    """
    return any("Situação: Negada" in dita for dita in resposta_anterior(events, texto))


def pede_a_reanalise(texto: str, *, na_autorizacao: bool) -> bool:
    """Whether a message asks for the review itself, not how one is asked.

    Disagreeing counts only in the authorizations' topic, where a denial was just read.

    >>> pede_a_reanalise("quero recorrer", na_autorizacao=False)
    True
    >>> pede_a_reanalise("posso recorrer?", na_autorizacao=True)
    False
    >>> [pede_a_reanalise("isso é um absurdo", na_autorizacao=em) for em in (True, False)]
    [True, False]
    >>> pede_a_reanalise("pq negaram? o medico disse q eu preciso, to com dor faz meses", na_autorizacao=True)
    False
    """
    folded = strip_accents(texto).lower().strip()
    if _COMO.match(folded) or folded.endswith("?") or _POR_QUE_NEGARAM.search(folded):
        return False
    return pede_reanalise(texto) or (na_autorizacao and discorda_da_negativa(texto))


def guias_do_pedido(
    pessoas: List[Pessoa], texto: str, *, session: Session
) -> Tuple[List[Tuple[Any, Pessoa]], List[Tuple[Any, Pessoa]]]:
    """The denied guides a reanalysis may be about, and the guides it names that were not denied.

    A guide is named by its number or by a word of its procedure ("reanálise da tomografia"); a message that names
    none is about every denied guide of ``pessoas``, whom the person may see (a dependant only himself, Art. 17
    §2).

    Returns:
        (denied guides, with their owner; guides named that are not denied, with their owner).
    """
    donos = {p.id: p for p in pessoas}
    todas = [
        (pedido, donos[pedido.beneficiary_id])
        for pedido in repository.list_authorizations(list(donos), session=session)
    ]
    citadas = {id(pedido) for pedido in guias_nomeadas([pedido for pedido, _ in todas], texto)}
    nomeadas = [(pedido, pessoa) for pedido, pessoa in todas if id(pedido) in citadas]
    base = nomeadas or todas
    negadas = [(pedido, pessoa) for pedido, pessoa in base if pedido.status == "negada"]
    outras = [(pedido, pessoa) for pedido, pessoa in nomeadas if pedido.status != "negada"]
    return negadas, outras


_NEGATIVA = re.compile(r"\b(?:negad[oa]s?|negaram|negou|negativa|recusad[oa]s?|recusaram|indeferid\w*)\b")
_REEMBOLSO = re.compile(r"\breembols\w*")


def atender_pedido_de_reanalise(
    dispatcher: CollectingDispatcher, tracker: Tracker, texto: str
) -> List[EventType] | None:
    """Answer a reanalysis request the classifier did not place, or None when the message is not one.

    "quero recorrer da tomografia, tá demorando", "isso é um absurdo, meu médico disse que preciso operar o joelho
    e vcs negaram!!!" fell back ("não entendi"), and "e a minha tomografia? já saiu? se não saiu quero recorrer"
    was a logout. A denied reimbursement is not a guide ("e o do cardiologista que vcs negaram?").
    """
    folded = strip_accents(texto).lower()
    pede = pede_a_reanalise(texto, na_autorizacao=False) or (
        discorda_da_negativa(texto) and bool(_NEGATIVA.search(folded))
    )
    if not pede and assunto_atual(tracker.events) == "reembolso" and pede_revisao(texto):
        # u27: "mas o cardiologista foi pq eu tava passando mal, como eu recorro disso?" after a denied
        # reimbursement was "não entendi": how to contest it, in the reimbursements.
        return reler_no_assunto(tracker, "reembolso")
    if not pede:
        return None
    if _REEMBOLSO.search(folded) or assunto_atual(tracker.events) == "reembolso":
        # "e o do cardiologista que vcs negaram? quero recorrer" is a reimbursement, not a guide.
        return reler_no_assunto(tracker, "reembolso")
    beneficiario = beneficiario_identificado(tracker)
    if beneficiario is None:
        # The guides are the person's data: the authorizations identify first, then ask it.
        return reler_no_assunto(tracker, "autorizacao")
    with db_session() as session:
        resultado = iniciar_reanalise(pessoas_visiveis(beneficiario, session=session), texto, session=session)
    if resultado is None:
        return None
    resposta, eventos = resultado
    dispatcher.utter_message(text=resposta)
    return eventos


def iniciar_reanalise(
    pessoas: List[Pessoa], texto: str, *, session: Session
) -> Tuple[str, List[EventType]] | None:
    """Start the reanalysis a message asks for, or None when none of ``pessoas`` has a guide it may be about.

    Returns:
        What to say and the events: the guide named and the form's slots, which leave it only the reason to ask
        (then the Ombudsman's form opens); the open request already filed for it; or what a guide not denied waits
        for (then the bot listens).
    """
    negadas, outras = guias_do_pedido(pessoas, texto, session=session)
    if not negadas and outras:
        # "reanálise da tomografia" still under analysis: what it waits for, not another guide's review.
        return nao_negadas(outras, hoje()), [FollowupAction("action_listen")]
    if not negadas:
        return None
    abertas = reanalises_abertas([pedido for pedido, _ in negadas], session=session)
    if all(pedido.guide_number in abertas for pedido, _ in negadas):
        # One guide had seven requests: the one already open is told, no other is filed.
        texto_ja = "\n".join(ja_pedida(p, dono, abertas[p.guide_number]) for p, dono in negadas)
        return texto_ja, [FollowupAction("action_listen")]
    negadas = [(pedido, dono) for pedido, dono in negadas if pedido.guide_number not in abertas]
    guia = negadas[0][0].guide_number if len(negadas) == 1 else None
    # "não concordo, meu médico disse que preciso operar, to com dor faz 6 meses": the reason is already given.
    motivo = [SlotSet("ouvidoria_relato", texto[:2000])] if guia and da_um_motivo(texto) else []
    return pergunta(negadas), [
        *motivo,
        SlotSet("ouvidoria_protocolo", SEM_PROTOCOLO),
        SlotSet("ouvidoria_instancia", PRIMEIRA),
        SlotSet("ouvidoria_tipo", TIPOS["2"]),
        SlotSet(SLOT_GUIA, guia),
        FollowupAction("ouvidoria_form"),
    ]


def descrever_guia(pedido: Any, pessoa: Pessoa) -> str:
    """The guide in one line, as the ticket and the question name it."""
    decidida = f", negada em {format_date(pedido.decided_on)}" if pedido.decided_on else ", negada"
    return f"guia {pedido.guide_number} – {pedido.procedure_name} ({first_name(pessoa.nome)}){decidida}"


def nao_negadas(outras: List[Tuple[Any, Pessoa]], hoje_: date) -> str:
    """The answer to a reanalysis asked of guides that were not denied: what they are waiting for.

    "quero reanálise da tomografia, tá demorando" was filed as a reanalysis of another person's denied guide.
    """
    blocos = "\n\n".join(descrever(pedido, first_name(pessoa.nome), hoje_) for pedido, pessoa in outras)
    return (
        f"A reanálise é para um pedido negado, e este não foi negado:\n\n{blocos}\n\n"
        "Se o prazo de resposta já passou, digite 0 para falar com um atendente."
    )


def ja_pedida(pedido: Any, pessoa: Pessoa, ticket: Any) -> str:
    """The answer to a second reanalysis of a guide whose first one is still open: its protocol, not a new one."""
    prazo = f" A resposta vem até {format_date(ticket.due_date)}." if ticket.due_date else ""
    return (
        f"A reanálise da guia {pedido.guide_number} ({pedido.procedure_name}, {first_name(pessoa.nome)}) já foi "
        f"pedida: protocolo {ticket.protocol}.{prazo} Se a resposta não resolver, a Ouvidoria (segunda instância) "
        "recebe o caso com esse protocolo."
    )


def pergunta(negadas: List[Tuple[Any, Pessoa]]) -> str:
    """What the bot says before the form asks the case: the guide it will ask to review, or the several ones."""
    if len(negadas) == 1:
        pedido, pessoa = negadas[0]
        motivo = f"\nMotivo da negativa: {pedido.denial_reason}" if pedido.denial_reason else ""
        return f"Vou pedir a reanálise da {descrever_guia(pedido, pessoa)}.{motivo}"
    linhas = "\n".join(f"- {descrever_guia(pedido, pessoa)}" for pedido, pessoa in negadas)
    return f"Você tem {len(negadas)} guias negadas:\n{linhas}\nDiga também o número da guia."


def dados_da_guia(guia: str | None, relato: str, beneficiario_id: int | None, *, session: Session) -> Dict[str, str]:
    """What the agent needs about the guide under review; empty when it cannot be told which one.

    Args:
        guia: The guide the bot named before asking the case, if one.
        relato: The person's case, which may name the guide among several.
        beneficiario_id: The identified beneficiary (guides are looked up only among the ones they may see).
        session: Open database session.
    """
    if beneficiario_id is None:
        return {}
    pessoas = pessoas_visiveis(beneficiario_id, session=session)
    negadas = guias_do_pedido(pessoas, guia or relato, session=session)[0]
    if len(negadas) != 1:
        return {}
    pedido, pessoa = negadas[0]
    dados = {
        "guia": pedido.guide_number,
        "procedimento": pedido.procedure_name,
        "beneficiario": first_name(pessoa.nome),
        "motivo_da_negativa": pedido.denial_reason or "não informado",
    }
    return dados


def titulo_da_reanalise(dados: Dict[str, str]) -> str:
    """The request as the ticket and the reply name it.

    >>> titulo_da_reanalise({"guia": "20260000003", "procedimento": "Artroscopia de joelho", "beneficiario": "José"})
    'reanálise da guia 20260000003 (Artroscopia de joelho, José)'
    """
    return f"reanálise da guia {dados['guia']} ({dados['procedimento']}, {dados['beneficiario']})"


# At the question "por que discorda?": "nao!! é a MINHA tomografia, nao a do josé" corrects the guide, and
# "quanto tempo demora?", "preciso mandar laudo?" are questions; both were filed as the reason of the request.
_NEGA = re.compile(r"^\W*(?:nao|n)\b")
_CORRIGE = re.compile(
    r"\b(?:e ess[ae]|foi ess[ae]|e a minha|e o meu|e minha|e meu|outra guia|outro pedido|guia errada|(?:a|o) d[oa])\b"
)
_PERGUNTA = re.compile(
    r"^\W*(?:e\s+|mas\s+)?(?:como|qual|quais|quanto|quanta|quando|onde|o que|oq|q|que|precis\w+|posso|pode|tem|"
    r"devo|vou|vai|serve|da pra)\b"
)
# The form asks the reason again right after these (utter_ask_ouvidoria_relato).
DUVIDA_NA_REANALISE = (
    "Assim que eu registrar o pedido, você recebe o protocolo e o prazo de resposta; se for preciso o relatório do "
    "médico ou outro documento, o atendente da Cemig Saúde pede na resposta."
)
GUIA_ERRADA = (
    "Desculpe! Não registrei nada. Para pedir a reanálise de outra guia, escreva *quero reanálise* e o número "
    "dela (11 dígitos); para ver as suas guias, digite 5."
)


def corrige_a_guia(texto: str) -> bool:
    """Whether an answer to "por que discorda?" says the guide named is not the one meant.

    >>> corrige_a_guia("nao!! é a MINHA tomografia, nao a do josé"), corrige_a_guia("não é essa guia")
    (True, True)
    >>> corrige_a_guia("não concordo, o médico disse que ele precisa da cirurgia")
    False
    """
    folded = strip_accents(texto).lower()
    return bool(_NEGA.search(folded) and _CORRIGE.search(folded))


# Words that protest a denial without saying why it is wrong ("não concordo, quero recorrer", "absurdo isso").
_SO_PROTESTO = frozenset(
    "nao n concordo discordo quero queria vou recorrer recorro recurso reanalise reanalisar rever absurdo absurda isso "
    "isto que eu me um uma e ja disse falei injusto injusta inaceitavel pq por porque negaram negou negada negado foi "
    "a o de do da pedir pedido pode fazer ta esta muito mesmo so com voces vcs vc aceito".split()
)
MOTIVO_DA_REANALISE = (
    "Para a reanálise, conte o motivo: por exemplo, o que o médico disse sobre a necessidade do procedimento, o "
    "que já foi tentado antes, ou se há um laudo. Se não souber, escreva *não sei* e eu registro assim mesmo."
)


def so_protesto(texto: str) -> bool:
    """Whether an answer to "por que discorda?" only protests, giving no reason to review.

    >>> so_protesto("nao concordo, quero recorrer"), so_protesto("absurdo isso!!!")
    (True, True)
    >>> so_protesto("meu medico disse que preciso operar, ja fiz 6 meses de fisio"), so_protesto("não sei")
    (False, False)
    """
    palavras = re.findall(r"[a-z]+", strip_accents(texto).lower())
    return bool(palavras) and all(palavra in _SO_PROTESTO for palavra in palavras)


_MOTIVO = re.compile(
    r"\b(?:medic\w*|doutor\w*|laudo|exames?|dor|dores|precis\w*|tratamento|fisio\w*|cirurgi\w*|operar|meses|anos|"
    r"relatorio|piorando|piorou)\b"
)


def da_um_motivo(texto: str) -> bool:
    """Whether a request for the reanalysis already says why the denial is wrong.

    >>> da_um_motivo("nao concordo, meu medico disse q preciso operar, to com dor faz 6 meses")
    True
    >>> da_um_motivo("minha guia do joelho foi negada pq??? absurdo isso"), da_um_motivo("quero reanálise")
    (False, False)
    """
    folded = strip_accents(texto).lower()
    palavras = [p for p in re.findall(r"[a-z]+", folded) if p not in _SO_PROTESTO and len(p) > 2]
    return len(palavras) >= 4 and bool(_MOTIVO.search(folded))


def nao_sabe(texto: str) -> bool:
    """Whether the answer is "não sei", which the reason's question offers.

    >>> nao_sabe("nao sei"), nao_sabe("Não sei."), nao_sabe("não sei o que é DUT")
    (True, True, False)
    """
    return bool(re.fullmatch(r"\W*(?:nao|n) sei\W*", strip_accents(texto).lower()))


def pergunta_no_lugar_do_motivo(texto: str) -> bool:
    """Whether an answer to "por que discorda?" is a question of its own (15 words at most).

    >>> pergunta_no_lugar_do_motivo("quanto tempo demora?"), pergunta_no_lugar_do_motivo("preciso mandar laudo?")
    (True, True)
    >>> pergunta_no_lugar_do_motivo("o médico disse que ele precisa, já fez 6 meses de fisioterapia")
    False
    """
    folded = strip_accents(texto).lower().strip()
    if len(folded.split()) > 15:
        return False
    return folded.endswith("?") or bool(_PERGUNTA.match(folded))
