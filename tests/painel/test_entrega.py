"""What the agent reads of a conversation (painel/entrega.py)."""

from __future__ import annotations

from painel.entrega import transcricao


def test_a_follow_up_question_is_shown_once_and_personal_data_masked():
    eventos = [
        {"event": "user", "text": "meu cpf é 529.982.247-25, quero ver o reembolso", "timestamp": 1},
        {"event": "bot", "text": "Seus reembolsos: ...", "timestamp": 2},
        {"event": "user", "text": "e o prazo?", "timestamp": 3},
        {"event": "rewind", "timestamp": 4},
        {"event": "action", "name": "action_listen", "timestamp": 4},
        # The same message, put back by action_continuar_assunto as a question about the topic.
        {"event": "user", "text": "e o prazo?", "timestamp": 4, "metadata": {"continuacao": True}},
        {"event": "bot", "text": "Pagamento em até 30 dias.", "timestamp": 5},
    ]
    linhas = [(m.quem, m.texto) for m in transcricao(eventos)]
    assert linhas == [
        ("beneficiario", "meu cpf é ***.982.247-**, quero ver o reembolso"),
        ("bot", "Seus reembolsos: ..."),
        ("beneficiario", "e o prazo?"),
        ("bot", "Pagamento em até 30 dias."),
    ]
