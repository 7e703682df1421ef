"""The two-stage intent classifier: the topic first, the teleconsultation category second (bot/nlu/classifier.py)."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix

from bot.nlu.classifier import TwoStageClassifier

# Four words, one feature each; each training message is one word and its intent.
WORDS = ["boleto", "receita", "video", "reembolso"]
TRAINING = [("boleto", "financeiro"), ("reembolso", "reembolso"), ("receita", "tele_documentos"),
            ("video", "tele_tecnologia")] * 6


def _message(text: str, intent: str | None = None) -> Message:
    message = Message.build(text=text, intent=intent) if intent else Message.build(text=text)
    vector = np.array([[float(word in text.split()) for word in WORDS]])
    message.add_features(Features(csr_matrix(vector), "sentence", TEXT, "test"))
    return message


@pytest.fixture()
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def _context():
    return ExecutionContext(GraphSchema({}), node_name="two_stage")


def _trained(storage):
    resource = Resource("two_stage")
    classifier = TwoStageClassifier.create(TwoStageClassifier.get_default_config(), storage, resource, _context())
    classifier.train(TrainingData([_message(text, intent) for text, intent in TRAINING]))
    return classifier, resource


def _ranking(classifier, text):
    message = _message(text)
    classifier.process([message])
    return message.get("intent"), {r["name"]: r["confidence"] for r in message.get("intent_ranking")}


def test_the_first_stage_sees_the_triage_categories_as_one_topic(storage):
    classifier, _ = _trained(storage)
    assert sorted(classifier.clf.classes_) == ["financeiro", "reembolso", "teleconsulta"]
    assert sorted(classifier.sub.classes_) == ["tele_documentos", "tele_tecnologia"]


def test_the_answer_names_the_category_with_its_two_stage_probability(storage):
    classifier, _ = _trained(storage)
    intent, ranking = _ranking(classifier, "receita")
    assert intent["name"] == "tele_documentos"
    # The domain never sees the first stage's pooled class.
    assert "teleconsulta" not in ranking
    features = _message("receita").get_sparse_features(TEXT)[1].features
    topic = dict(zip(classifier.clf.classes_, classifier.clf.predict_proba(features)[0], strict=True))["teleconsulta"]
    categories = classifier.sub.predict_proba(features)[0]
    category = dict(zip(classifier.sub.classes_, categories, strict=True))["tele_documentos"]
    assert ranking["tele_documentos"] == pytest.approx(topic * category)
    assert sum(ranking.values()) == pytest.approx(1.0)


def test_a_menu_topic_keeps_its_own_probability(storage):
    classifier, _ = _trained(storage)
    intent, ranking = _ranking(classifier, "boleto")
    assert intent["name"] == "financeiro"
    assert ranking["financeiro"] > 0.5 > ranking["tele_documentos"]


def test_a_saved_classifier_answers_as_it_did_when_trained(storage):
    classifier, resource = _trained(storage)
    loaded = TwoStageClassifier.load(TwoStageClassifier.get_default_config(), storage, resource, _context())
    assert _ranking(loaded, "video") == _ranking(classifier, "video")


def test_a_blank_message_gets_no_intent_instead_of_an_error(storage):
    classifier, _ = _trained(storage)
    message = Message.build(text="   ")
    classifier.process([message])
    assert message.get("intent") == {"name": None, "confidence": 0.0}
    assert message.get("intent_ranking") == []


def test_without_triage_examples_it_is_a_plain_topic_classifier(storage):
    resource = Resource("plain")
    classifier = TwoStageClassifier.create(TwoStageClassifier.get_default_config(), storage, resource, _context())
    classifier.train(TrainingData([_message(t, i) for t, i in TRAINING if not i.startswith("tele_")]))
    loaded = TwoStageClassifier.load(TwoStageClassifier.get_default_config(), storage, resource, _context())
    intent, ranking = _ranking(loaded, "reembolso")
    assert intent["name"] == "reembolso" and set(ranking) == {"financeiro", "reembolso"}


def _tfidf_config():
    return {**TwoStageClassifier.get_default_config(), "weighting": "tfidf", "C": 100.0}


def test_tfidf_weights_are_saved_with_the_model(storage):
    resource = Resource("tfidf")
    classifier = TwoStageClassifier.create(_tfidf_config(), storage, resource, _context())
    classifier.train(TrainingData([_message(text, intent) for text, intent in TRAINING]))
    loaded = TwoStageClassifier.load(_tfidf_config(), storage, resource, _context())
    for text in ("video", "boleto", "receita reembolso"):
        assert _ranking(loaded, text) == _ranking(classifier, text)
    assert _ranking(loaded, "video")[0]["name"] == "tele_tecnologia"


def test_a_message_with_the_same_words_repeated_is_the_same_request(storage):
    # Normalised weights: "boleto boleto boleto" asks what "boleto" asks, with the same confidence.
    classifier = TwoStageClassifier.create(_tfidf_config(), storage, Resource("tfidf"), _context())
    classifier.train(TrainingData([_message(text, intent) for text, intent in TRAINING]))
    once, thrice = _message("boleto"), Message.build(text="boleto boleto boleto")
    thrice.add_features(Features(csr_matrix(np.array([[3.0, 0.0, 0.0, 0.0]])), "sentence", TEXT, "test"))
    classifier.process([once, thrice])
    assert thrice.get("intent")["name"] == once.get("intent")["name"] == "financeiro"
    assert thrice.get("intent")["confidence"] == pytest.approx(once.get("intent")["confidence"])


def test_an_unknown_weighting_is_refused_with_its_name(storage):
    config = {**TwoStageClassifier.get_default_config(), "weighting": "bm25"}
    with pytest.raises(ValueError, match="bm25"):
        TwoStageClassifier.create(config, storage, Resource("x"), _context())


def test_an_intent_named_in_group_members_is_decided_at_the_second_stage(storage):
    config = {**TwoStageClassifier.get_default_config(), "group_members": ["reembolso"]}
    classifier = TwoStageClassifier.create(config, storage, Resource("members"), _context())
    classifier.train(TrainingData([_message(text, intent) for text, intent in TRAINING]))
    assert sorted(classifier.clf.classes_) == ["financeiro", "teleconsulta"]
    assert sorted(classifier.sub.classes_) == ["reembolso", "tele_documentos", "tele_tecnologia"]
    _, ranking = _ranking(classifier, "reembolso")
    assert "teleconsulta" not in ranking
    assert ranking["reembolso"] > max(ranking["tele_documentos"], ranking["tele_tecnologia"])


class _Intruder:
    """Stands for code someone slipped into a model file; training never saves it."""

    def __init__(self) -> None:
        self.payload = "echo hacked"


def test_a_model_file_holding_a_foreign_type_does_not_load(storage):
    import skops.io as sio

    from bot.nlu.classifier import UntrustedModelFile

    classifier, resource = _trained(storage)
    with storage.write_to(resource) as model_dir:
        sio.dump(_Intruder(), model_dir / f"{resource.name}{TwoStageClassifier.SUB_SUFFIX}")
    with pytest.raises(UntrustedModelFile, match="_Intruder"):
        TwoStageClassifier.load(TwoStageClassifier.get_default_config(), storage, resource, _context())


def test_a_classifier_with_nothing_saved_gives_no_intent_instead_of_an_error(storage):
    loaded = TwoStageClassifier.load(TwoStageClassifier.get_default_config(), storage, Resource("nunca"), _context())
    message = _message("boleto")
    loaded.process([message])
    assert message.get("intent") == {"name": None, "confidence": 0.0}
    assert message.get("intent_ranking") == []
