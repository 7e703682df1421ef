"""Two-stage intent classifier: the topic first, the teleconsultation triage category second (issue 12).

The seven categories of the teleconsultation desk's triage (``tele_*``, seed 004) are kinds of one topic. In one
flat classifier they compete with the plan's menu one by one: a formal request for a second copy of an invoice,
a report of procedures used or a tax statement resembles "pedir a 2.ª via da receita" more than any single
menu topic's examples, and lands in ``tele_documentos``. Here the first stage sees the seven as one class,
``teleconsulta``, trained on all their examples together, so the topic is decided against the pooled
evidence; a second classifier, trained only on the triage examples, then names the category. The 24-hour online
emergency service (``pronto_atendimento_online``, seed 002) is an online consultation too: its requests share
the desk's words ("médico", "videochamada", "consulta online") and most of its confusions were with the desk's
categories, so it joins the group (``group_members``) and the second stage, which sees only online-consultation
examples, tells "a doctor now" from a complaint about a consultation.

The output keeps the flat intent names, so the domain, the rules and FallbackClassifier see no difference:
each category's confidence is P(teleconsulta) x P(category | teleconsulta), which is its probability under
the two stages, and two categories whose inboxes differ can still be close enough for the bot to ask.

With ``weighting: tfidf`` both stages see the counts weighted by tf-idf and normalised per message, so words and
character n-grams found in every topic ("quero", "meu", "ola") weigh less than the ones that name a topic, and a
long message with a greeting is not a bigger vector than the same request alone (docs/nlu.md has the measure).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfTransformer

from bot.nlu.components import BlankSafeLogisticRegressionClassifier

logger = logging.getLogger(__name__)


class UntrustedModelFile(Exception):
    """A saved classifier file holds types that training never writes."""


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TwoStageClassifier(BlankSafeLogisticRegressionClassifier):
    """Logistic regression over topics, then over the triage categories of the ``group_prefix`` intents.

    Configuration: ``group_prefix`` (``"tele_"``) and ``group_members`` (other intent names) choose the intents
    of the second stage, ``group_name`` (``"teleconsulta"``) is their class at the first stage, ``C`` the inverse
    regularisation of both stages, ``weighting`` either ``"counts"`` (the features as the featurizers give them)
    or ``"tfidf"``.
    """

    SUB_SUFFIX = ".categories.skops"
    WEIGHTS_SUFFIX = ".tfidf.skops"
    TRUSTED = frozenset({"scipy.sparse._csr.csr_matrix"})

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The stock classifier's settings plus the group and the regularisation."""
        return {
            **BlankSafeLogisticRegressionClassifier.get_default_config(),
            "group_prefix": "tele_",
            "group_members": [],
            "group_name": "teleconsulta",
            "C": 1.0,
            "weighting": "counts",
        }

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))
        self.sub = clone(self.clf)
        if self.config["weighting"] not in ("counts", "tfidf"):
            raise ValueError(f"weighting deve ser 'counts' ou 'tfidf', não {self.config['weighting']!r}")
        self.weights = TfidfTransformer() if self.config["weighting"] == "tfidf" else None

    def _in_group(self, intent: str) -> bool:
        return intent.startswith(self.config["group_prefix"]) or intent in self.config["group_members"]

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the topic stage on pooled group labels and the category stage on the group's examples."""
        X, y = self._create_training_matrix(training_data)
        if X.shape[0] == 0:
            return self._resource
        if self.weights is not None:
            X = self.weights.fit_transform(X)
        labels = np.array(y)
        grouped = np.array([self._in_group(label) for label in y])
        topics = np.where(grouped, self.config["group_name"], labels)
        self.clf.fit(X, topics)
        if grouped.sum() and len(set(labels[grouped])) > 1:
            self.sub.fit(X[np.flatnonzero(grouped)], labels[grouped])
        else:
            self.sub = None
        self.persist()
        return self._resource

    def persist(self) -> None:
        """Save both stages."""
        import skops.io as sio

        super().persist()
        with self._model_storage.write_to(self._resource) as model_dir:
            for model, suffix in ((self.sub, self.SUB_SUFFIX), (self.weights, self.WEIGHTS_SUFFIX)):
                if model is not None:
                    sio.dump(model, model_dir / f"{self._resource.name}{suffix}")

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TwoStageClassifier":
        """Load both stages saved by :meth:`train`.

        Raises:
            UntrustedModelFile: a saved file holds a type that :meth:`train` never writes, so the model was
                tampered with; the model does not load, rather than classify with someone else's code.
        """
        import skops.io as sio

        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                saved = (("clf", ".skops"), ("sub", cls.SUB_SUFFIX), ("weights", cls.WEIGHTS_SUFFIX))
                for attribute, suffix in saved:
                    path = model_dir / f"{resource.name}{suffix}"
                    if not path.exists():
                        setattr(component, attribute, None)
                        continue
                    # Only sklearn, numpy and scipy's sparse matrix (the tf-idf diagonal) are expected.
                    untrusted = set(sio.get_untrusted_types(file=path)) - cls.TRUSTED
                    if untrusted:
                        raise UntrustedModelFile(f"{path}: tipos não confiáveis {sorted(untrusted)}")
                    setattr(component, attribute, sio.load(path, trusted=sorted(cls.TRUSTED)))
        except ValueError:
            # Nothing was saved (training data without intents): every message gets no intent, hence the fallback.
            logger.debug("Nothing saved for %s; the classifier gives no intent.", resource.name)
            component.clf = component.sub = component.weights = None
        return component

    def _ranking(self, topic_probas: np.ndarray, category_probas: np.ndarray | None) -> List[Dict[str, Any]]:
        group = self.config["group_name"]
        scores: Dict[str, float] = {}
        for name, probability in zip(self.clf.classes_, topic_probas, strict=True):
            if name != group:
                scores[str(name)] = float(probability)
                continue
            if category_probas is None:
                continue
            for category, conditional in zip(self.sub.classes_, category_probas, strict=True):
                scores[str(category)] = float(probability * conditional)
        ranking = sorted(
            ({INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: value} for name, value in scores.items()),
            key=lambda item: -item[PREDICTED_CONFIDENCE_KEY],
        )
        return ranking

    def process(self, messages: List[Message]) -> List[Message]:
        """Rank the flat intents by their two-stage probability; blank messages get no intent."""
        with_text = self.without_blanks(messages)
        if self.clf is None:
            for message in with_text:
                self.give_no_intent(message)
            return messages
        if not with_text:
            return messages
        X = self._create_X(with_text)
        if self.weights is not None:
            X = self.weights.transform(X)
        topic_probas = self.clf.predict_proba(X)
        category_probas = self.sub.predict_proba(X) if self.sub is not None else None
        length = self.config[RANKING_LENGTH]
        for index, message in enumerate(with_text):
            ranking = self._ranking(topic_probas[index], None if category_probas is None else category_probas[index])
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[:length] if length > 0 else ranking, add_to_output=True)
        return messages
