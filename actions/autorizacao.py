"""Option 5: prior authorizations (Arts. 77, 90-91) and waiting periods (Arts. 51-52, 56)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.base import AcaoIdentificada, beneficiario_identificado, de_quem, enviar_lista, hoje, mensagem_do_pedido
from actions.familia import Pessoa, fala_de_si
from actions.formatting import first_name, format_date
from actions.guias import descrever, guias_nomeadas, procedimento_sem_guia, reanalises_abertas
from actions.novos_planos import texto_carencias
from actions.reanalise import (
    discorda_da_negativa,
    guias_do_pedido,
    iniciar_reanalise,
    negativa_lida,
    pede_a_reanalise,
    por_que_negaram,
)
from actions.reembolso import numeros
from bot.canais import TELEFONE_24H
from bot.db import repository
from bot.nlu.parsing import find_identifiers, strip_accents
from bot.regulation.deadlines import (
    ANSWER_BUSINESS_DAYS,
    URGENCY_REQUEST_BUSINESS_DAYS,
    TicketKind,
)
from bot.regulation.waiting_periods import WAITING_PERIODS, CoverageKind, waiting_status

PRAZO_DE_RESPOSTA = (
    f"Prazo de resposta: até {ANSWER_BUSINESS_DAYS[TicketKind.COVERAGE_REQUEST]} dias úteis; até "
    f"{ANSWER_BUSINESS_DAYS[TicketKind.HIGH_COMPLEXITY_OR_ELECTIVE_HOSPITALIZATION]} dias úteis para alta "
    "complexidade ou internação eletiva (RN 623/2024 da ANS)."
)
COMO_FUNCIONA = (
    "*Como funciona a autorização prévia*\n"
    "Internações e atendimentos ambulatoriais dependem de autorização prévia da Cemig Saúde (Art. 77 do "
    "Regulamento). Quem pede é o prestador credenciado, com a solicitação médica, em papel ou pelo sistema "
    "(Art. 90), junto com laudo, diagnóstico e exames que justifiquem o pedido (Art. 77, §2º).\n"
    f"{PRAZO_DE_RESPOSTA}\n"
    "Urgência e emergência: o atendimento não espera a autorização; o prestador tem "
    f"{URGENCY_REQUEST_BUSINESS_DAYS} dias úteis, contados da internação, para pedi-la (Arts. 77, §1º, e 91)."
)
# Short names of the Art. 51 table rows, to fit a phone screen.
SERVICOS_CARENCIA = {
    CoverageKind.URGENCY_EMERGENCY: "Urgência e emergência",
    CoverageKind.CONSULTATIONS_SIMPLE_EXAMS: "Consultas e exames simples",
    CoverageKind.SPECIAL_EXAMS_PROCEDURES: "Exames especiais e procedimentos",
    CoverageKind.OTHER_SURGERIES: "Demais cirurgias",
    CoverageKind.HOSPITALIZATIONS: "Internações",
    CoverageKind.TERM_DELIVERY: "Parto a termo",
}
SEM_AUTORIZACAO_NA_URGENCIA = (
    "Em urgência ou emergência não precisa pedir autorização antes: vá direto ao pronto-socorro. O hospital "
    "comunica a Cemig Saúde e pede a autorização em até "
    f"{URGENCY_REQUEST_BUSINESS_DAYS} dias úteis, contados da internação (Art. 77, §1º, e Art. 91 do Regulamento)."
)
# "o hospital disse que precisa esperar a autorização", "não vão fazer sem autorização, o que eu faço?": someone in
# pain at the hospital, who got the procedure's text and deadlines.
_ESPERA_NO_HOSPITAL = re.compile(
    r"\b(?:hospital|clinica|pronto.?socorro|ps|upa|medico|medica|enfermeir\w*|recepcao)\b.{0,60}"
    r"\b(?:esperar|aguardar|nao (?:vai|vao|quer|querem|pode|podem) (?:fazer|atender|internar)|sem (?:a )?autoriza\w*|"
    r"precis\w* (?:da|de|que saia a) autoriza\w*)|"
    r"\b(?:to|estou|ta|esta|estamos) (?:aqui )?(?:no|na) (?:hospital|pronto.?socorro|ps|upa|clinica)\b.{0,60}\bautoriza"
)
URGENCIA_NO_HOSPITAL = (
    "Se é urgência ou emergência (quem avalia é o médico), o atendimento não depende de autorização prévia: o "
    "hospital pode atender e comunicar a Cemig Saúde depois, pedindo a autorização em até "
    f"{URGENCY_REQUEST_BUSINESS_DAYS} dias úteis (Art. 77, §1º, do Regulamento). Mostre isso ao hospital. Se ainda "
    f"assim não atenderem, ligue agora para a Central de Relacionamento, 24 horas: {TELEFONE_24H}."
)
DUT_DEFINICAO = (
    "DUT é a Diretriz de Utilização da ANS: as condições (indicação clínica, exames ou tratamentos anteriores) que "
    "um procedimento do Rol precisa cumprir para a cobertura ser obrigatória."
)
DUT = (
    f"{DUT_DEFINICAO} Se o seu caso cumpre a diretriz, um relatório do médico que mostre isso apoia o pedido de "
    "reanálise: escreva *quero reanálise*."
)
RECURSO = (
    "Não concorda com a negativa? Escreva *quero reanálise* e conte o caso com o número da guia: o pedido é "
    "registrado na primeira instância e, se a resposta não resolver, vai à Ouvidoria (segunda instância). Um "
    "relatório do médico que justifique o procedimento ajuda (Art. 77, §2º, do Regulamento)."
)
_DUT = re.compile(r"\bdut\b|\bdiretriz(?:es)? de utiliza")
_RECURSO = re.compile(r"\b(?:recorr\w*|recurso|reanalis\w*|contest\w*|rever|revisao|e agora)\b")
AVISO_ISENCAO = (
    "Quem entrou no plano em até 30 dias do fato que deu direito à inscrição (início do plano, casamento, "
    "nascimento, aposentadoria...) não cumpre carência (Art. 56 do Regulamento)."
)

_COMO_STATUS = re.compile(r"\bcomo (esta|estao|anda|andam|ta|ficou|fica)\b")
# "quanto tempo demora?", "e se for urgente?": the deadlines and the urgency rule are in the explanation.
_COMO_FUNCIONA = re.compile(
    r"\b(como|funciona|o que e|quanto tempo|quanto demora|demora quanto|demora muito|vai demorar|urgente|urgencia|"
    r"emergencia|pronto.?socorro)\b|\bdemora\W*$|"
    r"\b(?:precis\w*|tem que|tenho que|necessit\w*|exig\w*|sem)\s+(?:de\s+|que\s+)?(?:pedir\s+|ter\s+)?(?:a\s+|uma\s+)?"
    r"(?:autoriza\w*|guia)|\bautorizacao (?:antes|previa)\b"
)
_DITO_CPF = re.compile(r"\bcpf\W{0,5}(?:e\W+|eh\W+)?([\d][\d.\-\s]{9,15}\d)")
_NA_URGENCIA = re.compile(r"\b(?:urgen\w*|emergen\w*|pronto.?socorro|ps|socorro|samu)\b")
_CARENCIA = re.compile(r"\bcarencias?\b")
_PRAZO = re.compile(r"\bprazos?\b")


CARENCIAS_PROPRIAS = "Para ver quanto falta das suas carências, escreva *minhas carências*: aí peço o seu CPF."
# "e qual é o prazo dela?": a guide named in the message before.
_INDEFINIDO = re.compile(r"\b(?:um|uma|uns|umas|outr[oa])\s+[a-z]")
_ANAFORA = re.compile(r"\b(?:dela|dele|nela|nele|dessa|desse|nessa|nesse|essa guia|esse pedido|ela|ele)\b")

def pergunta_como_funciona(texto: str) -> bool:
    """Whether the message asks how prior authorization works.

    >>> pergunta_como_funciona("tomografia precisa de autorização prévia?"), pergunta_como_funciona("como está a guia")
    (True, False)
    >>> pergunta_como_funciona("quanto tempo demora?"), pergunta_como_funciona("e se for urgente?")
    (True, True)
    >>> pergunta_como_funciona("minha autorização está demorando")
    False
    >>> pergunta_como_funciona("preciso ir no pronto socorro, tem que pedir autorização antes?")
    True
    >>> pergunta_como_funciona("ressonância precisa de guia?"), pergunta_como_funciona("sem autorização posso fazer?")
    (True, True)
    """
    return bool(_COMO_FUNCIONA.search(_COMO_STATUS.sub(" ", strip_accents(texto))))


def pergunta_na_urgencia(texto: str) -> bool:
    """Whether a question about authorization is about an urgency ("no pronto-socorro tem que pedir antes?").

    >>> pergunta_na_urgencia("vou no pronto socorro, preciso de autorização?"), pergunta_na_urgencia("como funciona")
    (True, False)
    """
    return bool(_NA_URGENCIA.search(strip_accents(texto).lower()))


def espera_no_hospital(texto: str) -> bool:
    """Whether someone at the hospital is told to wait for an authorization.

    >>> espera_no_hospital("a tomografia ta demorando, o hospital disse q precisa esperar a autorizacao")
    True
    >>> espera_no_hospital("o hospital ta falando q nao vai fazer sem autorizacao, o que eu faço??")
    True
    >>> espera_no_hospital("minha autorização da ressonância saiu?"), espera_no_hospital("como funciona a guia")
    (False, False)
    """
    return bool(_ESPERA_NO_HOSPITAL.search(strip_accents(texto).lower()))


def pergunta_dut(texto: str) -> bool:
    """Whether the message asks what the DUT of a denial is.

    >>> pergunta_dut("o que e DUT?"), pergunta_dut("minhas autorizações")
    (True, False)
    """
    return bool(_DUT.search(strip_accents(texto).lower()))


def pergunta_recurso(texto: str) -> bool:
    """Whether the message asks how to appeal a denial ("posso recorrer?", "e agora?").

    >>> pergunta_recurso("e agora? posso recorrer?"), pergunta_recurso("quero ver minha guia")
    (True, False)
    """
    return bool(_RECURSO.search(strip_accents(texto).lower()))


def pergunta_carencia(texto: str) -> bool:
    """Whether the message is about waiting periods ("carência")."""
    return bool(_CARENCIA.search(strip_accents(texto)))


def descrever_carencias(nome: str, adesao: date, hoje_: date) -> str:
    """The waiting periods of one person (Art. 51), counted from the adhesion date (Art. 52).

    Args:
        nome: First name of the person.
        adesao: Adhesion date (the latest one, Art. 52 sole paragraph).
        hoje_: The day asked about.

    Returns:
        A heading and one line per period of the Art. 51 table.
    """
    linhas = [f"*{nome}* – adesão em {format_date(adesao)}"]
    for situacao in waiting_status(adesao, hoje_):
        servico = SERVICOS_CARENCIA.get(situacao.kind) or situacao.label.split(":")[0]
        dias = WAITING_PERIODS[situacao.kind][0]
        prazo = "24h" if dias == 1 else f"{dias} dias"
        if situacao.is_over:
            linhas.append(f"✅ {servico} ({prazo}): cumprida, coberto desde {format_date(situacao.ends_on)}")
        else:
            faltam = situacao.days_remaining
            linhas.append(
                f"⏳ {servico} ({prazo}): coberto a partir de {format_date(situacao.ends_on)}, "
                f"falta{'m' if faltam > 1 else ''} {faltam} dia{'s' if faltam > 1 else ''}"
            )
    return "\n".join(linhas)


class ActionConsultarAutorizacao(AcaoIdentificada):
    """Shows prior authorizations, one by guide or protocol, how they work, and waiting periods."""

    intent = "autorizacao"
    acao = "action_consultar_autorizacao"
    assunto = "as autorizações"

    def orientacao_geral(self, texto: str) -> List[str]:
        """How prior authorization works, its deadlines and urgency: the same for everyone."""
        if espera_no_hospital(texto):
            return [URGENCIA_NO_HOSPITAL]
        if pergunta_dut(texto):
            return [DUT]
        if pergunta_carencia(texto) and not fala_de_si(texto) and not find_identifiers(texto):
            # "tem carencia?" from someone who may not be a member yet: the table for anyone, and how to see one's own.
            return [texto_carencias(), CARENCIAS_PROPRIAS]
        geral = pergunta_como_funciona(texto) and not pergunta_carencia(texto) and not find_identifiers(texto)
        return self._como_funciona(texto) if geral else []

    @staticmethod
    def _como_funciona(texto: str) -> List[str]:
        # "no pronto-socorro tem que pedir antes?" is answered by the urgency rule alone, not the whole procedure.
        return [SEM_AUTORIZACAO_NA_URGENCIA] if pergunta_na_urgencia(texto) else [COMO_FUNCIONA]

    def dispensa_escolha(self, mensagem: Dict[str, Any]) -> bool:
        """A guide/protocol lookup, the explanation and waiting periods (shown per person) skip "de quem?"."""
        texto = mensagem["text"]
        return bool(
            self._numeros(mensagem)
            or espera_no_hospital(texto)
            or pergunta_como_funciona(texto)
            or pergunta_carencia(texto)
            or pergunta_dut(texto)
            or pergunta_recurso(texto)
        )

    def responder(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        pessoas: List[Pessoa],
        *,
        session: Session,
    ) -> List[EventType]:
        """Answer waiting periods, a lookup, the explanation or the list, in that order of precedence."""
        mensagem = mensagem_do_pedido(tracker, self.intent)
        texto = mensagem["text"]
        eventos: List[EventType] = []
        if pergunta_dut(texto):
            dispatcher.utter_message(text=DUT)
        elif (
            pede_a_reanalise(texto, na_autorizacao=negativa_lida(tracker.events, texto))
            and not self._numeros(mensagem)
            and (reanalise := iniciar_reanalise(pessoas, texto, session=session)) is not None
        ):
            # "quero recorrer", "isso é um absurdo, meu médico disse que preciso" with a denied guide to review: the
            # reanalysis (actions/reanalise.py), not the list again nor the teleconsultation desk. The form opens
            # from here: putting the message back would undo an identification made in this same turn.
            pergunta_feita, eventos = reanalise
            dispatcher.utter_message(text=pergunta_feita)
            return eventos
        elif (pergunta_recurso(texto) or discorda_da_negativa(texto)) and not self._numeros(mensagem):
            # "e agora? posso recorrer?" with nothing denied: how to ask for a review. "pq negaram? o médico disse
            # que preciso" gets the denial's reason first, and nothing is filed until the person asks.
            if por_que_negaram(texto):
                nomes = {p.id: first_name(p.nome) for p in pessoas} if len(pessoas) > 1 else {}
                for pedido, _ in guias_do_pedido(pessoas, texto, session=session)[0]:
                    dispatcher.utter_message(text=descrever(pedido, nomes.get(pedido.beneficiary_id), hoje()))
            dispatcher.utter_message(text=RECURSO)
        elif pergunta_carencia(texto):
            eventos = self._carencias(dispatcher, pessoas, session=session)
        elif self._numeros(mensagem):
            self._por_numero(dispatcher, self._numeros(mensagem), pessoas, session=session)
        elif pergunta_como_funciona(texto) and not espera_no_hospital(texto):
            for parte in self._como_funciona(texto):
                dispatcher.utter_message(text=parte)
        elif citadas := self._citadas(tracker, pessoas, texto, session=session):
            # "e a tomografia? qual o prazo?", then "e qual é o prazo dela?": that guide, not the whole list again.
            nomes = {p.id: first_name(p.nome) for p in pessoas} if len(pessoas) > 1 else {}
            abertas = reanalises_abertas(citadas, session=session)
            for pedido in citadas:
                aberta = abertas.get(pedido.guide_number)
                dispatcher.utter_message(text=descrever(pedido, nomes.get(pedido.beneficiary_id), hoje(), aberta))
        else:
            eventos = self._lista(dispatcher, tracker, pessoas, session=session, texto=texto)
            if _PRAZO.search(strip_accents(texto).lower()):
                # u26: "…faz 3 semanas e nada, qual o prazo que o regulamento dá?" got the list and no deadline.
                dispatcher.utter_message(text=PRAZO_DE_RESPOSTA)
        if espera_no_hospital(texto):
            # "o hospital disse que precisa esperar a autorização": the guide, then what to tell the hospital.
            dispatcher.utter_message(text=URGENCIA_NO_HOSPITAL)
        dispatcher.utter_message(response="utter_algo_mais")
        return eventos

    @staticmethod
    def _citadas(tracker: Tracker, pessoas: List[Pessoa], texto: str, *, session: Session) -> List[Any]:
        """The guides the message names, or that the message before it named when this one says "dela"."""
        if _INDEFINIDO.search(strip_accents(texto).lower()):
            return []  # "preciso da autorização de uma ressonância": a new one, not the one on file
        pedidos = repository.list_authorizations([p.id for p in pessoas], session=session)
        citadas = guias_nomeadas(pedidos, texto)
        if not citadas and _ANAFORA.search(strip_accents(texto).lower()):
            anteriores = [e.get("text") or "" for e in tracker.events or [] if e.get("event") == "user"]
            citadas = guias_nomeadas(pedidos, anteriores[-2]) if len(anteriores) > 1 else []
        # A message that names every guide asks for the list.
        return citadas if len(citadas) < len(pedidos) else []

    @staticmethod
    def _numeros(mensagem: dict) -> List[str]:
        # An 11-digit guide number is read by the NLU as a "cpf" entity; a CPF said to be one ("meu cpf 529...",
        # identifying in the same message) is no guide.
        ditos = {re.sub(r"\D", "", n) for n in _DITO_CPF.findall(strip_accents(mensagem.get("text") or "").lower())}
        return [n for n in numeros(mensagem, "cpf") if n not in ditos] + numeros(mensagem, "protocolo")

    def _lista(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, pessoas: List[Pessoa], *, session: Session,
        texto: str = "",
    ) -> List[EventType]:
        pedidos = repository.list_authorizations([p.id for p in pessoas], session=session)
        if pedidos and (procurado := procedimento_sem_guia(pedidos, texto)):
            proprio = len(pessoas) == 1 and pessoas[0].id == beneficiario_identificado(tracker)
            quem = "" if proprio else de_quem(pessoas)
            # u26: "pedi autorização pra cirurgia de vesícula faz 3 semanas" found nothing and was not told so, nor
            # who sends the request.
            dispatcher.utter_message(
                text=f"Não encontrei pedido de autorização de {procurado}{quem}. Quem envia o pedido à Cemig Saúde é "
                "o prestador (hospital ou clínica), com a solicitação médica (Art. 90): vale confirmar com ele se "
                "foi enviado."
            )
        if not pedidos:
            if len(pessoas) > 1:
                texto = "Não há pedidos de autorização registrados para você nem para seus dependentes."
            elif pessoas[0].id != beneficiario_identificado(tracker):
                texto = f"{first_name(pessoas[0].nome)} não tem pedidos de autorização registrados."
            else:
                texto = "Você não tem pedidos de autorização registrados."
            dispatcher.utter_message(text=f"{texto} Para saber como funciona, escreva *como funciona a autorização*.")
            return []
        nomes = {p.id: first_name(p.nome) for p in pessoas} if len(pessoas) > 1 else {}
        dia = hoje()
        abertas = reanalises_abertas(pedidos, session=session)
        itens = [
            descrever(pedido, nomes.get(pedido.beneficiary_id), dia, abertas.get(pedido.guide_number))
            for pedido in pedidos
        ]
        titulo = f"Pedidos de autorização{de_quem(pessoas)} ({len(pedidos)}), do mais recente ao mais antigo:"
        rodape = (
            "Para consultar uma guia, envie o número dela (11 dígitos). "
            "Para saber como funciona, escreva *como funciona a autorização*."
        )
        return enviar_lista(dispatcher, titulo, itens, rodape)

    @staticmethod
    def _por_numero(
        dispatcher: CollectingDispatcher, candidatos: List[str], pessoas: List[Pessoa], *, session: Session
    ) -> None:
        donos = {p.id: p for p in pessoas}
        for numero in candidatos:
            pedido = repository.find_authorization(numero, session=session)
            # Someone else's guide gets the same answer as an unknown one: nothing about it leaks.
            if pedido is not None and pedido.beneficiary_id in donos:
                nome = first_name(donos[pedido.beneficiary_id].nome) if len(pessoas) > 1 else None
                aberta = reanalises_abertas([pedido], session=session).get(pedido.guide_number)
                dispatcher.utter_message(text=descrever(pedido, nome, hoje(), aberta))
                return
        dispatcher.utter_message(
            text="Não encontrei essa guia ou protocolo entre os seus pedidos de autorização. "
            "Confira o número ou escreva *autorização* para ver a lista."
        )

    @staticmethod
    def _carencias(dispatcher: CollectingDispatcher, pessoas: List[Pessoa], *, session: Session) -> List[EventType]:
        dia = hoje()
        itens = []
        for pessoa in pessoas:
            cadastro = repository.get_beneficiary(pessoa.id, session=session)
            if cadastro is not None:
                itens.append(descrever_carencias(first_name(pessoa.nome), cadastro.adhesion_date, dia))
        titulo = "Carências contadas da data de adesão ao plano (Arts. 51 e 52 do Regulamento):"
        return enviar_lista(dispatcher, titulo, itens, AVISO_ISENCAO)
