"""Teleconsultation desk requests (004_440bb7f2301d6e8b.txt).

Every such request first collects the client's NAME and NIF (Portuguese tax
number, checksum validated); then the routing rules choose the inbox, and
the reply carries the protocol, the tips to try and the rule's footer.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import beneficiario_identificado, session_factory
from actions.chamados import (
    abrir_chamado,
    lembrar_protocolo,
    mensagem_do_chamado,
    responder_sobre_o_chamado,
)
from actions.cobertura import orientacao_sem_cadastro
from actions.contexto import assunto_atual, pergunta_sobre_o_assunto, releitura, reler_no_assunto
from actions.orientacoes import CHAMADA_PAROU, MARCAR_CONSULTA_ONLINE, SUPORTE, pede_marcacao_online
from actions.pedido import DESISTIU, desiste, so_cumprimento
from actions.sem_esperar import hoje_sem_esperar, precisa_hoje
from actions.sinais import de_portugal, sinais_de_emergencia
from actions.teleconsulta_leitura import (
    DOCUMENTO_DO_PAIS,
    equipa,
    ler_nif,
    ler_nome,
    ler_numero_fiscal,
    nome_do_documento,
    pais_do_cliente,
    sobre_o_pa_online,
)
from bot.canais import EMERGENCIA_TELEFONE
from bot.db import repository
from bot.menu import OPCOES
from bot.nlu.parsing import only_digits, strip_accents
from bot.nlu.symptoms import is_urgent

TELE_INTENTS = (
    "tele_documentos",
    "tele_apolice",
    "tele_tecnologia",
    "tele_cobranca_cancelada",
    "tele_procedimento",
    "tele_faturas",
    "tele_clinica",
)
SLOTS = ["tele_nome", "tele_nif", "tele_categoria", "tele_texto"]
# Where a desk category goes when it is about the plan's PA Online: its own guidance (camera, prescriptions, what
# comes next), and a complaint about its doctor to the Ombudsman, who takes complaints about the plan's services.
DO_PA_ONLINE = {
    "tele_tecnologia": "pronto_atendimento_online",
    "tele_documentos": "pronto_atendimento_online",
    "tele_procedimento": "pronto_atendimento_online",
    "tele_clinica": "ouvidoria",
}
PARA_DESISTIR = "Para desistir do pedido, escreva *cancelar*."
# "porque precisam do meu NIF?", "pra que o cpf?": the question answered, then asked again.
_POR_QUE = re.compile(r"\b(?:porque|por que|pq|pra que|para que)\b")


def por_que_o_numero(pais: str | None) -> str:
    """Why the desk asks for the number, naming the one a client of ``pais`` has."""
    documento = DOCUMENTO_DO_PAIS.get(pais or "", "CPF (ou, em Portugal, o NIF)")
    return (
        f"O {documento} identifica o seu registo na equipe da teleconsulta, para a resposta chegar ao pedido certo; "
        f"ele só vai no pedido, mascarado nos registos. {PARA_DESISTIR}"
    )


CHAMADA_CAIU = (
    "Se a chamada parou durante a consulta, entre de novo na plataforma e abra a mesma consulta: feche e reabra o "
    f"navegador ou o aplicativo, de preferência com a internet mais estável (Wi-Fi). {SUPORTE} "
    "Vou registrar o problema para a equipe técnica."
)


# "quero cancelar a teleconsulta de amanhã às 10h": the desk answers in working days, after the consultation.
_CANCELA = re.compile(r"\b(?:cancel|desmarc|anul)(?:ar|o|e|amos)\b")
_EM_BREVE = re.compile(r"\b(?:hoje|amanha|logo mais|daqui a (?:pouco|\d+ ?h\w*)|esta (?:tarde|noite)|as \d{1,2} ?h)")
DESMARCAR_NA_APP = (
    "A resposta da equipa pode chegar depois da hora da consulta: se conseguir, desmarque-a já na app onde a "
    "marcou (Médis, Médico Online). Se a consulta for cobrada mesmo cancelada, a equipa trata da devolução."
)


def cancela_em_breve(texto: str) -> bool:
    """Whether a request cancels a consultation that is due before the desk can answer.

    >>> cancela_em_breve("quero cancelar a minha teleconsulta marcada para amanhã às 10h")
    True
    >>> cancela_em_breve("fui cobrado por uma consulta cancelada no mês passado")
    False
    >>> cancela_em_breve("a consulta de hoje foi cancelada e fui cobrado")
    False
    """
    folded = strip_accents(texto).lower()
    return bool(_CANCELA.search(folded) and _EM_BREVE.search(folded))


_ALERGIA = re.compile(r"\b(?:alergic\w*|alergia)\b")
_REMEDIO = re.compile(r"\b(?:receit\w*|medicament\w*|remedio\w*|antibiotic\w*|prescrev\w*|prescri\w*)")
ALERGIA_AO_RECEITADO = (
    "⚠️ Não tome um medicamento a que você tem alergia. Para rever a receita agora, entre no Pronto Atendimento "
    "Online (24 horas; escreva *PA Online* para saber como) e conte a alergia ao médico. Se já tomou e tiver falta "
    f"de ar ou inchaço no rosto ou na garganta, ligue {EMERGENCIA_TELEFONE} ou vá ao pronto-socorro."
)


def identidade_verificada(tracker: Tracker) -> tuple[str, str] | None:
    """Name and CPF of the beneficiary this conversation identified, or None."""
    beneficiario_id = beneficiario_identificado(tracker)
    if beneficiario_id is None:
        return None
    with session_factory()() as session:
        pessoa = repository.get_beneficiary(beneficiario_id, session=session)
        return (pessoa.name, pessoa.cpf) if pessoa is not None else None


# The desk's own words: a message right after a plan topic's answer that has none of them is about that topic.
_DA_TELECONSULTA = re.compile(
    r"\b(?:tele\s?consultas?|telemedicina|video\w*|chamada|consulta (?:online|on line|virtual|por video)|"
    r"medico online|medis|saude 360|clinica digital|app|aplicativo|plataforma|nif|telemovel|receita|atestado|"
    r"declaracao|fatura\w*|apolice|seguro)\b"
)
# The plan's topics whose answer a complaint about it follows ("isso é um absurdo, meu médico disse que preciso"
# after a denied guide was the desk's clinical inbox).
_ASSUNTOS_DO_PLANO = frozenset(
    {opcao.intent for opcao in OPCOES} - {"falar_atendente", "novos_planos"} | {"contestar_utilizacao"}
)


# What any request to the desk names: the consultation, its doctor or what the doctor gave.
_CONSULTA = re.compile(
    _DA_TELECONSULTA.pattern + r"|\b(?:consulta\w*|medic[oa]s?|doutor[a]?|atestado|exames?|receit\w*|pedido de exame|"
    r"laudo|relatorio|cobr\w*|pag\w*|reembols\w*|camera|microfone|som|audio|tela|ligacao|link|prescri\w*|ecra|"
    r"aplicacao|erro|marca\w*|recibo|marketplace|sala de espera|seguimento|acompanhamento|diagnostico|retifica\w*|"
    r"online|clinic\w*)\b"
)


def fala_da_teleconsulta(texto: str) -> bool:
    """Whether a message names the teleconsultation, its platform or its documents.

    >>> fala_da_teleconsulta("a videochamada travou"), fala_da_teleconsulta("a receita do médico online não veio")
    (True, True)
    >>> fala_da_teleconsulta("isso é um absurdo, meu médico disse que preciso")
    False
    """
    return bool(_DA_TELECONSULTA.search(strip_accents(texto).lower()))


class ActionPrepararTeleconsulta(Action):
    """Remembers the request and anything already given before asking for name and NIF."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_preparar_teleconsulta"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Store the category and the text; prefill a NIF (or CPF) written in the request."""
        assunto = pergunta_sobre_o_assunto(tracker)
        if assunto:  # "ele foi negado pq?" after the reimbursements is about the reimbursements
            return reler_no_assunto(tracker, assunto)
        texto = tracker.latest_message.get("text") or ""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent in DO_PA_ONLINE and sobre_o_pa_online(tracker, texto):
            return reler_no_assunto(tracker, DO_PA_ONLINE[intent])
        anterior = assunto_atual(tracker.events)
        if anterior in _ASSUNTOS_DO_PLANO and not fala_da_teleconsulta(texto) and not releitura(tracker):
            return reler_no_assunto(tracker, anterior)
        if identidade_verificada(tracker) and not _CONSULTA.search(strip_accents(texto).lower()):
            # An identified beneficiary's request goes out at once, without the name and NIF questions: a message
            # naming no consultation ("e se passar do dia 15 e ninguém me responder, faço o quê?") opened one.
            if not responder_sobre_o_chamado(dispatcher, tracker):
                dispatcher.utter_message(response="utter_ask_rephrase")
            return [FollowupAction("action_listen")]
        geral = orientacao_sem_cadastro(texto) or (MARCAR_CONSULTA_ONLINE if pede_marcacao_online(texto) else None)
        if geral or (desiste(texto) and len(texto.split()) <= 3):
            # "preciso de seguro viagem?" (the desk's insurance words), a bare "cancelar": no request to the desk.
            dispatcher.utter_message(text=geral or "Tudo bem. Digite *menu* para ver as opções.")
            return [FollowupAction("action_listen")]
        # A second message after a request was sent ("o médico nem apareceu, fiquei 40 minutos à espera") adds to
        # it: the name and NIF given for it are kept, so the form sends it at once, linked to that protocol.
        anterior = tracker.get_slot("tele_protocolo")
        nome = tracker.get_slot("tele_nome") if anterior else None
        fiscal = ler_numero_fiscal(texto) or (tracker.get_slot("tele_nif") if anterior else None)
        if _ALERGIA.search(strip_accents(texto).lower()) and _REMEDIO.search(strip_accents(texto).lower()):
            # "receitou-me um antibiótico e sou alérgica à penicilina": what to do now comes before the request,
            # whose answer may take days.
            dispatcher.utter_message(text=ALERGIA_AO_RECEITADO)
        elif is_urgent(texto):
            # "fiquei com a cara inchada depois do antibiótico que o médico receitou": the emergency number first.
            dispatcher.utter_message(text=sinais_de_emergencia(texto, de_portugal(tracker)))
        if intent == "tele_tecnologia" and CHAMADA_PAROU.search(strip_accents(texto).lower()):
            # The consultation may still be going on: how to get back in comes before the ticket's questions.
            dispatcher.utter_message(text=CHAMADA_CAIU)
        verificado = identidade_verificada(tracker)
        if verificado:
            # Whoever identified is not asked again, and a name typed now could not override who they are.
            nome, fiscal = verificado
        if not (nome and fiscal):
            documento = DOCUMENTO_DO_PAIS.get(pais_do_cliente(tracker) or "", "CPF (em Portugal, o NIF)")
            dispatcher.utter_message(
                text=f"Para encaminhar o seu pedido sobre a teleconsulta, preciso do seu nome completo e do seu "
                f"{documento}."
            )
        return [
            SlotSet("requested_slot", None),
            SlotSet("tele_categoria", intent),
            SlotSet("tele_texto", texto[:2000]),
            SlotSet("tele_nome", nome),
            SlotSet("tele_nif", fiscal),
        ]


class ActionAskTeleNif(Action):
    """Asks the desk's client for the number a client where they are has: the CPF, the NIF, or either."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_ask_tele_nif"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Ask the question; the form's validation reads the answer."""
        pais = pais_do_cliente(tracker)
        if pais in DOCUMENTO_DO_PAIS:
            pergunta = f"Qual é o seu {nome_do_documento(pais)}?"
        else:
            pergunta = "Qual é o seu CPF (11 dígitos)? Em Portugal, informe o NIF (9 dígitos)."
        dispatcher.utter_message(text=f"{pergunta} {PARA_DESISTIR}")
        return []


class ValidateTeleconsultaForm(FormValidationAction):
    """Validates name and NIF."""

    def name(self) -> Text:
        """Rasa action name."""
        return "validate_teleconsulta_form"

    def validate_tele_nome(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Accept a full name and, when the same message carries a valid NIF (or CPF), that number too.

        "Sofia Martins, NIF 123456789" fills both slots, so the NIF question is skipped. A number that is not
        valid leaves the NIF slot as it was (empty, or what the request itself carried): the form then asks for
        the NIF as usual, and :meth:`validate_tele_nif` says what is wrong with the next answer.
        """
        texto = str(value or "")
        if desiste(texto) or so_cumprimento(texto):
            return {"tele_nome": DESISTIU, "tele_nif": DESISTIU}
        nome = ler_nome(texto)
        validado: Dict[Text, Any] = {"tele_nome": nome}
        fiscal = ler_numero_fiscal(texto)
        if fiscal:
            validado["tele_nif"] = fiscal
        if nome is None and tracker.get_slot("requested_slot") == "tele_nome":
            dispatcher.utter_message(text=f"Escreva o nome completo (nome e sobrenome). {PARA_DESISTIR}")
        return validado

    def validate_tele_nif(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Accept a NIF whose check digit is right or, from a client in Brazil, a valid CPF.

        The desk identifies clients by NIF (procedure 004), which a beneficiary in Brazil does not have: without
        the CPF the form would ask forever. The ticket then carries the CPF, masked like everywhere, and the
        routing reason says the NIF is still to be collected (``routing.engine.has_field``).
        """
        texto = str(value or "")
        if desiste(texto) or so_cumprimento(texto):
            return {"tele_nome": DESISTIU, "tele_nif": DESISTIU}
        if _POR_QUE.search(strip_accents(texto).lower()) and tracker.get_slot("requested_slot") == "tele_nif":
            dispatcher.utter_message(text=por_que_o_numero(pais_do_cliente(tracker)))
            return {"tele_nif": None}
        fiscal = ler_numero_fiscal(texto)
        if fiscal:
            return {"tele_nif": fiscal}
        if tracker.get_slot("requested_slot") == "tele_nif":
            digitos = only_digits(texto)
            if len(digitos) == 11:
                motivo = "Esse CPF não é válido: os dígitos verificadores não conferem. Confira e escreva de novo."
            elif ler_nif(texto):
                motivo = "Esse NIF não é válido: o dígito de controlo não confere. Confira e escreva de novo."
            elif not digitos:
                motivo = f"Escreva o {nome_do_documento(pais_do_cliente(tracker))}. {PARA_DESISTIR}"
            else:
                motivo = "Esse número não é válido: o NIF tem 9 dígitos e o CPF, 11. Confira e escreva de novo."
            dispatcher.utter_message(text=motivo)
        return {"tele_nif": None}


class ActionEncaminharTeleconsulta(Action):
    """Routes the request by the rules and opens the ticket."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_encaminhar_teleconsulta"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Send the request to its inbox with name and NIF, and answer with protocol, tips and footer."""
        if tracker.get_slot("tele_nif") == DESISTIU and so_cumprimento(str(tracker.latest_message.get("text") or "")):
            # Telegram's /start, or "oi" on coming back: the welcome, not "nothing was sent".
            return [*(SlotSet(slot, None) for slot in SLOTS), *reler_no_assunto(tracker, "saudacao")]
        if tracker.get_slot("tele_nif") == DESISTIU:
            dispatcher.utter_message(
                text="Tudo bem, não encaminhei nada à teleconsulta. Digite *menu* para ver as opções ou 0 para "
                "falar com um atendente."
            )
            return [SlotSet(slot, None) for slot in SLOTS]
        categoria = tracker.get_slot("tele_categoria") or "tele_procedimento"
        texto = tracker.get_slot("tele_texto") or ""
        fiscal = tracker.get_slot("tele_nif") or ""
        # An 11-digit number here is a CPF (validate_tele_nif): it travels as one, masked in the e-mail.
        coletado = {"nome": tracker.get_slot("tele_nome"), ("cpf" if len(fiscal) == 11 else "nif"): fiscal}
        anterior = tracker.get_slot("tele_protocolo")
        ticket, decisao = abrir_chamado(
            tracker, categoria, texto, coletado=coletado, extra=coletado, related_protocol=anterior
        )
        resposta = mensagem_do_chamado(ticket, decisao)
        feito = (
            f"Obrigado. Encaminhei esta mensagem à {equipa(fiscal)} responsável, ligada ao seu pedido anterior "
            f"({anterior})."
            if anterior
            else f"Obrigado. O seu pedido foi encaminhado para a {equipa(fiscal)} responsável."
        )
        dispatcher.utter_message(text=f"{feito}\n{resposta}")
        if precisa_hoje(texto):
            # "posso ir a outro médico? o miúdo precisa do remédio": the desk answers in days.
            dispatcher.utter_message(text=hoje_sem_esperar(fiscal))
        if categoria != "tele_clinica" and cancela_em_breve(texto):
            dispatcher.utter_message(text=DESMARCAR_NA_APP)
        # Name and NIF stay for a later message of this conversation (ActionPrepararTeleconsulta).
        return [
            SlotSet("tele_categoria", None),
            SlotSet("tele_texto", None),
            SlotSet("tele_protocolo", ticket.protocol),
            lembrar_protocolo(ticket),
        ]
