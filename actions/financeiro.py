"""Option 4: invoices (boletos): open ones with the "2ª via", late charges, then the last paid ones.

The bill is addressed to whoever is financially responsible (Art. 30 of the regulation): the titular pays for
themself and the direct dependants; each special dependant gets a boleto of their own (Art. 23 §1, Art. 30
sole paragraph). So the option never asks "de quem?": it looks up whose boleto the user may see.
"""

from __future__ import annotations

import re
from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.atraso import pergunta_se_atrasado, resposta_sobre_o_atraso
from actions.base import (
    PAGE_SIZE,
    POR_PAGINA_AO_TELEFONE,
    AcaoIdentificada,
    beneficiario_identificado,
    enviar_lista,
    hoje,
    mensagem_do_pedido,
)
from actions.boleto_pdf import DICA_PDF, enviar_pdfs, pede_arquivo
from actions.boleto_sms import DICA_SMS, SEM_BOLETO_PARA_SMS, mensagem_sms, pede_sms
from actions.boletos import (
    FORMA_DE_PAGAMENTO,
    MUDAR_VENCIMENTO,
    NEGOCIACAO,
    a_pagar,
    aviso_inadimplencia,
    aviso_na_data_do_pagamento,
    boletos_pedidos,
    em_atraso,
    item_aberto,
    item_pago,
    pede_negociacao,
    pedido_sobre_pagamento,
    resposta_sobre_a_divida,
    so_os_abertos,
    total_em_aberto,
)
from actions.composicao import (
    meses_citados,
    parte_do_dependente,
    pergunta_composicao,
    pergunta_propria_parte,
    responder_composicao,
)
from actions.contexto import reler_no_assunto
from actions.datas_de_pagamento import data_de_pagamento
from actions.familia import Pessoa
from actions.formatting import competencia, enumerar, first_name
from actions.mensalidade import (
    aumento_por_idade,
    data_informada,
    idade_citada,
    informa_pagamento,
    pagamento_informado,
    pergunta_aumento_por_idade,
    pergunta_geral_de_faixa,
    regra_das_faixas,
)
from actions.novos_planos import pergunta_preco_por_idade
from bot.arquivos import CANAIS_SEM_ARQUIVO, ONDE_PEGAR_O_PDF
from bot.canais import Canal
from bot.db import repository
from bot.db.models import Beneficiary, Invoice
from bot.nlu.disputes import asks_to_contest
from bot.nlu.member_questions import is_debt_question
from bot.nlu.parsing import find_identifiers, strip_accents
from bot.regulation.finance import (
    DELINQUENCY_CONTACT_DAYS,
    DELINQUENCY_EXCLUSION_DAYS,
    DUE_DAY,
    FINE_RATE,
    MONTHLY_INTEREST_RATE,
)

# "e se atrasar, quanto é a multa?": the rule, the same for everyone, answered without identifying. A question
# about one's own boleto ("a multa do meu boleto", "se eu pagar dia 20") needs the boleto, so the identification.
ENCARGOS_GERAL = (
    f"Boletos vencem no dia {DUE_DAY} (no dia útil seguinte, se cair em fim de semana ou feriado). Em atraso: "
    f"multa de {FINE_RATE * 100:.0f}% e juros de {MONTHLY_INTEREST_RATE * 100:.0f}% ao mês, proporcionais aos dias "
    f"(Art. 44, §1º do Regulamento). Com {DELINQUENCY_CONTACT_DAYS} dias de atraso em 12 meses a Cemig Saúde "
    f"entra em contato; com {DELINQUENCY_EXCLUSION_DAYS}, o plano pode ser cancelado (Arts. 27 e 46)."
)
# "paguei o de outubro?", "o de outubro já foi pago?": whether a month's boleto was paid.
_JA_PAGUEI = re.compile(r"\b(?:paguei|pago|paga|pagou|pagamos|quitad[oa]|quitei|baixou)\b.*\?|\bja (?:foi )?pag\w*")
_ENCARGOS = re.compile(r"\b(multa|juros|atras\w*|encargos?)\b")
_PROPRIO = re.compile(r"\b(meu|minha|meus|minhas|dia \d+|amanha|hoje|semana|mes que vem|eu pag\w*)\b")
# Art. 46 looks at the last 12 months; the paid list shows at most that many competences.
MAX_PAGOS = 12

SEM_ARQUIVO = (
    "Por aqui não consigo enviar o arquivo: a linha digitável acima paga o boleto em qualquer banco. "
    f"{ONDE_PEGAR_O_PDF}"
)
JA_PAGO_SEM_SEGUNDA_VIA = (
    "Esse boleto já está pago, então não há 2ª via para pagar (o comprovante fica no aplicativo ou no extrato do seu "
    "banco):"
)
REGRA_VENCIMENTO = (
    "Os boletos vencem no dia 15 do mês de competência (Art. 31 do Regulamento). Se o vencimento cair em dia "
    "sem expediente bancário, dá para pagar sem multa no primeiro dia útil seguinte (Art. 32 do Regulamento)."
)


class ActionConsultarFinanceiro(AcaoIdentificada):
    """Lists the boletos of the financially responsible person the user may see (Art. 30)."""

    intent = "financeiro"
    acao = "action_consultar_financeiro"
    assunto = "os boletos"
    # Boletos belong to the payer, not to each family member: no "de quem?" question.
    escolhe_pessoa = False

    def orientacao_geral(self, texto: str) -> List[str]:
        """The late-payment rule, for a question that names no boleto of one's own nor a payment day."""
        if pergunta_geral_de_faixa(texto):
            return [regra_das_faixas()]
        if (regra := pedido_sobre_pagamento(texto)) in (FORMA_DE_PAGAMENTO, MUDAR_VENCIMENTO):
            # u27: "posso pagar no pix?" was asked for a CPF; how one pays is the same for everyone.
            return [regra]
        folded = strip_accents(texto).lower()
        # "paguei pelo pix e ainda tá aparecendo em atraso" is about one's own boleto, not the rule.
        geral = (
            _ENCARGOS.search(folded)
            and not _PROPRIO.search(folded)
            and not find_identifiers(texto)
            and not informa_pagamento(texto)
        )
        return [ENCARGOS_GERAL] if geral else []

    def responder(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        pessoas: List[Pessoa],
        *,
        session: Session,
    ) -> List[EventType]:
        """Send open boletos, the delinquency warning, then the paid ones a page at a time.

        A message that names a payment day ("se eu pagar dia 20") gets the open boletos on that day and no paid
        history.
        """
        if pergunta_preco_por_idade(mensagem_do_pedido(tracker, self.intent)["text"]):
            return reler_no_assunto(tracker, "novos_planos")  # the price of a plan for an age, not a boleto
        usuario_id = beneficiario_identificado(tracker) or pessoas[0].id
        usuario = repository.get_beneficiary(usuario_id, session=session)
        referencia = hoje()
        # The request, not the latest message: "se eu pagar dia 20?" asked before identifying keeps its day.
        pedido = mensagem_do_pedido(tracker, self.intent)
        if pergunta_aumento_por_idade(pedido["text"]):
            # Each person's own price, whoever pays it: a dependant may know when their contribution rises.
            visiveis = [repository.get_beneficiary(p.id, session=session) for p in pessoas]
            dispatcher.utter_message(
                text=aumento_por_idade(
                    [p for p in visiveis if p is not None], referencia, idade_citada(pedido["text"]), usuario_id
                )
            )
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        pagadores = self._pagadores(usuario, pessoas, session=session)
        if not pagadores:
            if usuario is not None and pergunta_propria_parte(pedido["text"]):
                parte = parte_do_dependente(usuario, referencia)
                if parte:
                    dispatcher.utter_message(text=parte)
            dispatcher.utter_message(
                text=(
                    "Suas mensalidades e coparticipações vêm no boleto de quem é titular do plano, o responsável "
                    "financeiro (Art. 30 do Regulamento). Por segurança, só a pessoa titular vê esse boleto: peça "
                    "a 2ª via a ela, que também pode consultá-lo aqui."
                )
            )
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        entidades = pedido["entities"]
        pagamento = data_de_pagamento(entidades, referencia, pedido["text"])
        faturas = repository.list_invoices([p.id for p in pagadores], session=session, statuses=["aberto", "pago"])
        especiais = self._outros_pagadores(usuario, pagadores, pessoas, session=session)
        if not faturas:
            dispatcher.utter_message(text=f"Não há boletos registrados em nome de {self._nomes(pagadores)}.")
            if especiais:
                dispatcher.utter_message(text=especiais)
            dispatcher.utter_message(response="utter_algo_mais")
            return []

        def dono(fatura: Invoice) -> str:
            if len(pagadores) == 1:
                return ""
            return f"Boleto de {first_name(fatura.beneficiary.name)} | "

        if asks_to_contest(pedido["text"]) and not pedido_sobre_pagamento(pedido["text"]):
            # The charges billed in the boleto are the statement's items: its list, then which one is disputed.
            return reler_no_assunto(tracker, "contestar_utilizacao", pedido["text"])
        sobre_pagamento = pedido_sobre_pagamento(pedido["text"])
        if sobre_pagamento:
            # "paguei em dobro", "quero mudar o vencimento", "débito automático": answered, not the list again.
            dispatcher.utter_message(text=sobre_pagamento)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if is_debt_question(pedido["text"]):
            # "vai cortar meu plano?": the days in arrears and the day of the limit, not the whole list.
            dispatcher.utter_message(text=resposta_sobre_a_divida(faturas, referencia))
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if pergunta_composicao(pedido["text"]):
            # "por que minha mensalidade subiu?": what the boleto is made of and what changed, not the list.
            responder_composicao(dispatcher, faturas, pedido["text"], session=session)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        abertas = sorted((f for f in faturas if f.status == "aberto"), key=lambda f: (f.due_date, f.id))
        pagas = [f for f in faturas if f.status == "pago"][:MAX_PAGOS]
        citados = meses_citados(pedido["text"])
        pagas_citadas = [f for f in faturas if f.status == "pago" and f.competence.month in citados]
        if pagas_citadas and _JA_PAGUEI.search(strip_accents(pedido["text"]).lower()):
            # "paguei o boleto de outubro? não lembro": that boleto was paid, on that day.
            linhas = [item_pago(f, dono(f)) for f in pagas_citadas]
            dispatcher.utter_message(text="\n\n".join(["Já está pago:", *linhas]))
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        abertas_citadas = [f for f in abertas if f.competence.month in citados]
        # "a segunda via do boleto de outubro" (or its PDF), October paid: every open boleto and the history came,
        # and not a word on October. It is said paid; the open ones follow, with no file sent unasked.
        so_pagas_citadas = bool(pagas_citadas) and not abertas_citadas
        if so_pagas_citadas:
            linhas = [item_pago(f, dono(f)) for f in pagas_citadas]
            dispatcher.utter_message(text="\n\n".join([JA_PAGO_SEM_SEGUNDA_VIA, *linhas]))
        if abertas_citadas and _JA_PAGUEI.search(strip_accents(pedido["text"]).lower()):
            # "o boleto de novembro tá pago?" when it is open got the boleto without the "no" asked for.
            meses = enumerar([competencia(f.competence) for f in abertas_citadas])
            dispatcher.utter_message(text=f"Ainda não consta pagamento da competência {meses}: está em aberto.")
        if pergunta_se_atrasado(pedido["text"]) and pagamento is None and not informa_pagamento(pedido["text"]):
            # "esse da Maria tá atrasado?" got every boleto and the paid history again: yes or no first.
            dispatcher.utter_message(text=resposta_sobre_o_atraso(abertas, faturas, referencia))
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if informa_pagamento(pedido["text"]):
            # "paguei ontem, já baixou?": what still shows open and the bank's delay, not the whole history.
            a_cobrar = [f for f in abertas if a_pagar(f) > 0]
            valores = {f.id: a_pagar(f) for f in a_cobrar}
            pago_em = data_informada(entidades, referencia)
            for texto in pagamento_informado(a_cobrar, pagas, valores, pago_em, referencia):
                dispatcher.utter_message(text=texto)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        com_arquivo = tracker.get_latest_input_channel() not in CANAIS_SEM_ARQUIVO
        por_voz = tracker.get_latest_input_channel() == Canal.URA.value
        arquivo = pede_arquivo(pedido["text"]) and not so_pagas_citadas
        # "manda só o pdf do de dezembro", "e quando vence o próximo?": that boleto only.
        pedidas = boletos_pedidos(abertas, pedido["text"])
        um_so = len(pedidas) < len(abertas)
        # "o boleto de dezembro" shown alone must not hide November's, overdue.
        atrasadas_fora = [
            f for f in abertas if f not in pedidas and em_atraso(f, referencia)
        ]
        abertas = pedidas
        if por_voz and pede_sms(pedido["text"]):
            # Older item: a caller could not take the 47 digits down and had no way to get them on the phone.
            a_cobrar = [f for f in abertas if a_pagar(f) > 0 and f.digitable_line]
            if a_cobrar:
                dispatcher.utter_message(json_message=mensagem_sms(a_cobrar, referencia))
            else:
                dispatcher.utter_message(text=SEM_BOLETO_PARA_SMS)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        negociacao = pede_negociacao(pedido["text"])
        if negociacao:
            # "dá pra parcelar?": the answer first; the boletos below are what is owed, not the answer.
            dispatcher.utter_message(text=NEGOCIACAO)
        if abertas:
            # On the phone one 47-digit line per answer, the first to pay: two in a row cannot be taken down.
            com_linha = next((f for f in abertas if a_pagar(f)), None) if por_voz else None
            itens = [
                item_aberto(f, referencia, pagamento, dono(f), com_linha=not por_voz or f is com_linha) for f in abertas
            ]
            total = [t for t in [total_em_aberto(abertas, referencia, pagamento)] if t]
            dica = []
            if not arquivo and any(a_pagar(f) for f in abertas):
                # The file where the channel sends one; on the phone, the line by SMS.
                dica = [DICA_PDF] if com_arquivo else [DICA_SMS] if por_voz else []
            dispatcher.utter_message(text="\n\n".join(["Boletos em aberto:", *itens, *total, *dica]))
        else:
            dispatcher.utter_message(text="Você não tem boletos em aberto. 👍")
        if arquivo and abertas:
            # "manda o pdf": the documents, and nothing else below them.
            if not com_arquivo or not enviar_pdfs(
                dispatcher,
                abertas,
                {f.id: a_pagar(f) for f in abertas},
                {f.id: f.beneficiary.name for f in abertas},
                referencia,
            ):
                dispatcher.utter_message(text=SEM_ARQUIVO)
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        if atrasadas_fora:
            meses = enumerar([competencia(f.competence) for f in atrasadas_fora])
            dispatcher.utter_message(text=f"Há também boleto em atraso ({meses}): escreva *meus boletos* para ver.")
        if any(em_atraso(f, referencia) for f in abertas):
            dispatcher.utter_message(text=aviso_inadimplencia(faturas, referencia))
            na_data = aviso_na_data_do_pagamento(faturas, pagamento)
            if na_data:
                dispatcher.utter_message(text=na_data)
        if especiais:
            dispatcher.utter_message(text=especiais)
        so_abertos = pagamento is not None or negociacao or so_os_abertos(pedido["text"]) or um_so or so_pagas_citadas
        if so_abertos and abertas:
            # "E se eu pagar dia 20?", "manda o código de barras": the open boletos only; the paid history would
            # bury the answer.
            eventos = []
        elif pagas:
            eventos = enviar_lista(
                dispatcher,
                "Últimos boletos pagos:",
                [item_pago(f, dono(f)) for f in pagas],
                REGRA_VENCIMENTO,
                por_pagina=POR_PAGINA_AO_TELEFONE if por_voz else PAGE_SIZE,
            )
        else:
            dispatcher.utter_message(text=REGRA_VENCIMENTO)
            eventos = []
        dispatcher.utter_message(response="utter_algo_mais")
        return eventos

    @staticmethod
    def _pagadores(usuario: Beneficiary | None, pessoas: List[Pessoa], *, session: Session) -> List[Beneficiary]:
        """Whose boletos the user may see: their own when they pay one, or a chosen special dependant's."""
        if usuario is None:
            return []
        if usuario.kind == "titular":
            escolhidos = [p for p in pessoas if p.id != usuario.id]
            if len(pessoas) == 1 and escolhidos:
                # The titular picked one person: a special dependant has a boleto of their own (Art. 30 sole par.).
                escolhido = repository.get_beneficiary(escolhidos[0].id, session=session)
                if escolhido is not None and escolhido.kind == "dependente_especial":
                    return [escolhido]
            return [usuario]
        if usuario.kind == "dependente_especial":
            return [usuario]
        # A direct dependant's contributions are on the titular's boleto, which they may not see (Art. 17 §2).
        return []

    @staticmethod
    def _outros_pagadores(
        usuario: Beneficiary | None, pagadores: List[Beneficiary], pessoas: List[Pessoa], *, session: Session
    ) -> str | None:
        """Tell a titular which special dependants are billed separately, if any."""
        if usuario is None or usuario.kind != "titular" or pagadores != [usuario]:
            return None
        ids = {p.id for p in pessoas}
        especiais = [
            m
            for m in repository.list_family(usuario.id, session=session)
            if m.kind == "dependente_especial" and m.id in ids and m.status != "cancelado"
        ]
        if not especiais:
            return None
        nomes = ", ".join(first_name(m.name) for m in especiais)
        return (
            f"Dependentes especiais recebem boleto próprio e são os responsáveis pelo pagamento: {nomes} "
            "(Art. 23 §1º e Art. 30 do Regulamento)."
        )

    @staticmethod
    def _nomes(pagadores: List[Beneficiary]) -> str:
        return ", ".join(first_name(p.name) for p in pagadores)
