"""NLU quality gate on the held-out files (``make eval``).

The held-out messages were written apart from the training examples and
are never trained on; this module refuses to report if any of them appears
in the training data. It prints, for each set separately, accuracy, macro-F1,
a per-intent report and the confusions, writes them to a JSON file and exits 1
when a gated set is below the bar.

``tests/nlu/blind_c.yml`` (issue 12) was written by someone who never saw
``data/nlu`` nor the other sets. It gates like the two older sets (issue 12:
the gate applies to each held-out set) since the model reached the bar on it;
it never guides changes to the training data.

``tests/nlu/dev_d.yml`` is the development set: written blind like C, it is the
one set whose errors may be read to choose between models and to find missing
families of phrasing, so its figure overstates quality and never gates.
``tests/nlu/dev_e.yml`` is a second development set, written blind the same way
after D had been read: its first figure (0.931) measured the model before any
change made for it. ``tests/nlu/dev_f.yml``, a third one written blind the same
way after D and E had been read, chooses between models; its first figure
(0.951) measured the model of 2026-12-04 before any change. ``tests/nlu/dev_g.yml``,
a fourth, was written after D, E and F had been read and committed before it
measured anything; ``tests/nlu/dev_h.yml``, a fifth, likewise after G;
``tests/nlu/dev_i.yml``, a sixth, after H. ``tests/nlu/dev_n.yml`` (older mineiro retirees, angry run-on
stories with the request last, formal e-mails, adult children writing for a parent) was committed before it
measured anything: its first figure was 0.948.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

from bot.nlu.short_replies import short_reply_intent

MIN_ACCURACY = 0.95
MIN_MACRO_F1 = 0.93
# What issue 12 asks of every held-out set, the blind one included; printed beside each result.
TARGET_ACCURACY = 0.97
TARGET_MACRO_F1 = 0.96


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def load_examples(paths: List[str]) -> List[Tuple[str, str]]:
    """Read (text, intent) pairs from Rasa NLU YAML files or folders."""
    from rasa.shared.nlu.training_data.loading import load_data

    pairs: List[Tuple[str, str]] = []
    for path in paths:
        data = load_data(path)
        pairs += [(m.get("text"), m.get("intent")) for m in data.intent_examples]
    return pairs


def overlap(heldout: List[Tuple[str, str]], training: List[Tuple[str, str]]) -> List[str]:
    """Held-out texts that also occur (case and spacing folded) in the training data."""
    seen = {_normalise(text) for text, _ in training}
    return [text for text, _ in heldout if _normalise(text) in seen]


async def _predict(model: str, texts: List[str]) -> List[str]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # One debug line per message would drown the report.
    configure_structlog(logging.WARNING)

    from bot.intencoes import ESCLARECER, ESCLARECIVEIS
    from bot.nlu.parsing import with_dictated_identifiers

    agent = Agent.load(model)
    predictions = []
    for text in texts:
        # What the channels pass on (bot.channels.common.run_bot): a CPF or date dictated in words, in digits.
        parsed = await agent.parse_message(with_dictated_identifiers(text))
        name = (parsed.get("intent") or {}).get("name") or "None"
        if name == ESCLARECER:
            offered = [r["name"] for r in parsed.get("intent_ranking") or [] if r["name"] in ESCLARECIVEIS][:2]
            name = f"{ESCLARECER}:{'|'.join(offered)}"
        predictions.append(name)
    return predictions


def after_asking(gold: List[str], predicted: List[str]) -> Tuple[List[str], int, int]:
    """The final answers when a clarifying question was asked, assuming the user picks their own topic.

    A prediction ``esclarecer:a|b`` becomes the gold intent when it was one of the two choices offered, and
    the first choice otherwise. Returns the final predictions, how many questions were asked, and how many
    of them offered the right topic.
    """
    final, asked, right = [], 0, 0
    for expected, guess in zip(gold, predicted, strict=True):
        if guess.startswith("esclarecer:"):
            options = guess.split(":", 1)[1].split("|")
            asked += 1
            right += expected in options
            guess = expected if expected in options else options[0]
        final.append(guess)
    return final, asked, right


def score(gold: List[str], predicted: List[str]) -> Dict[str, object]:
    """Accuracy, macro-F1 over the gold intents, per-intent report and confusions."""
    from sklearn.metrics import accuracy_score, classification_report, f1_score

    labels = sorted(set(gold))
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    return {
        "accuracy": accuracy_score(gold, predicted),
        "macro_f1": f1_score(gold, predicted, labels=labels, average="macro", zero_division=0),
        "report": classification_report(gold, predicted, labels=labels, zero_division=0, digits=3),
        "confusions": [{"gold": g, "predicted": p, "count": n} for (g, p), n in confusions.most_common()],
    }


def main(argv: List[str] | None = None) -> int:
    """Run the gate; return the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/atende.tar.gz")
    parser.add_argument(
        "--heldout", nargs="+",
        default=["tests/nlu/heldout.yml", "tests/nlu/heldout_b.yml", "tests/nlu/blind_c.yml", "tests/nlu/dev_d.yml",
                 "tests/nlu/dev_e.yml", "tests/nlu/dev_f.yml", "tests/nlu/dev_g.yml", "tests/nlu/dev_h.yml",
                 "tests/nlu/dev_i.yml", "tests/nlu/dev_j.yml", "tests/nlu/dev_k.yml",
                 "tests/nlu/dev_l.yml", "tests/nlu/dev_m.yml", "tests/nlu/dev_n.yml"],
    )
    parser.add_argument(
        "--gate", nargs="*", default=["tests/nlu/heldout.yml", "tests/nlu/heldout_b.yml", "tests/nlu/blind_c.yml"],
        help="sets whose result decides the exit code; the others are only reported",
    )
    parser.add_argument("--training", default="data/nlu")
    parser.add_argument("--out", default="results/nlu")
    args = parser.parse_args(argv)

    training = load_examples([args.training])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    passed = True
    summary = []
    for heldout_file in args.heldout:
        ok, result = _evaluate_file(args.model, heldout_file, training, out)
        summary.append((heldout_file, result))
        if heldout_file in args.gate:
            passed &= ok
        elif not ok:
            print(f"{heldout_file}: só relatado, não bloqueia (issue 12)")
    print(f"\nResumo (acurácia / macro-F1; meta da issue 12: {TARGET_ACCURACY} / {TARGET_MACRO_F1} em cada conjunto)")
    for heldout_file, result in summary:
        if result is None:
            continue
        role = "portão" if heldout_file in args.gate else "só relatado"
        meets = result["accuracy"] >= TARGET_ACCURACY and result["macro_f1"] >= TARGET_MACRO_F1
        print(f"  {heldout_file}: {result['accuracy']:.3f} / {result['macro_f1']:.3f} ({role}; "
              f"{'atinge' if meets else 'não atinge'} a meta)")
    return 0 if passed else 1


def _evaluate_file(
    model: str, heldout_file: str, training: List[Tuple[str, str]], out: Path
) -> Tuple[bool, Dict[str, object] | None]:
    heldout = load_examples([heldout_file])
    leaked = overlap(heldout, training)
    if leaked:
        print(f"{heldout_file} repete {len(leaked)} exemplos de treino: {leaked[:10]}", file=sys.stderr)
        return False, None
    texts = [text for text, _ in heldout]
    gold = [intent for _, intent in heldout]
    asked_for = asyncio.run(_predict(model, texts))
    predicted, asked, right_after_asking = after_asking(gold, asked_for)
    result = score(gold, predicted)
    result["clarifying_questions"] = {
        "asked": asked, "rate": asked / len(texts), "right_choice_offered": right_after_asking
    }
    errors = [{"text": t, "gold": g, "predicted": p} for t, g, p in zip(texts, gold, predicted, strict=True) if g != p]

    print(f"== {heldout_file}: {len(texts)} mensagens, {len(set(gold))} intenções")
    print(result["report"])
    print("Confusões (esperada -> prevista):")
    for item in result["confusions"]:
        print(f"  {item['gold']} -> {item['predicted']}: {item['count']}")
    print(f"perguntas de esclarecimento: {asked} ({asked / len(texts):.1%} das mensagens; meta até 5%), "
          f"com o assunto certo entre as opções em {right_after_asking}")
    # The lexicon of short replies (bot/nlu/short_replies.yml) settles some messages by rule; how many, and how
    # the model does on the rest, shows what the statistical part alone is worth.
    right = {True: [], False: []}  # by the lexicon or not: whether each answer was right
    for text, g, p in zip(texts, gold, predicted, strict=True):
        right[short_reply_intent(text) is not None].append(g == p)
    rest_accuracy = sum(right[False]) / max(len(right[False]), 1)
    print(f"respostas curtas decididas pelo léxico: {len(right[True])}, certas {sum(right[True])}; acurácia nas "
          f"outras {rest_accuracy:.4f} ({sum(right[False])} de {len(right[False])})")
    result["short_replies"] = {"by_lexicon": len(right[True]), "rest_accuracy": rest_accuracy}
    print(f"accuracy {result['accuracy']:.4f} (mínimo {MIN_ACCURACY}; depois da pergunta, quando houve)")
    print(f"macro-F1 {result['macro_f1']:.4f} (mínimo {MIN_MACRO_F1})")

    (out / f"{Path(heldout_file).stem}_report.json").write_text(
        json.dumps({**result, "errors": errors}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    passed = result["accuracy"] >= MIN_ACCURACY and result["macro_f1"] >= MIN_MACRO_F1
    print("NLU: aprovado" if passed else "NLU: abaixo do mínimo", file=sys.stdout if passed else sys.stderr)
    return passed, result


if __name__ == "__main__":
    sys.exit(main())
