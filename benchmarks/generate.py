"""Synthetic cases for benchmarks and scale tests: seeded, every cell rated.

    python -m benchmarks.generate 20x1000 /tmp/case-20x1000

Each case has H leaf hypotheses (a few grouped under parents, plus a catch-all),
E evidence items spread over several evidence files and source texts, quotes
taken verbatim from those texts, realistic text lengths, credibility and
relevance mixed, some shared originators, and a handful of arguments.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from argmap.casewriter import dump_yaml

__all__ = ["SIZES", "generate", "parse_size"]

SIZES = {"small": (5, 50), "medium": (20, 1000), "large": (100, 10000)}
_VOCABULARY = (
    "protest fuel price oil worker strike police minister decree security council army "
    "committee region city airport administration statement report witness convoy border "
    "treaty faction leader purge arrest trial camp training militants capital province "
    "election reform agenda inflation wage union party ban media broadcast official "
    "governor mayor district barracks square hospital casualties curfew emergency"
)
WORDS = tuple(_VOCABULARY.split())
RATINGS = ("CC", "C", "N", "N", "I", "II", "NA")
LEVELS = ("low", "medium", "medium", "high")
ITEMS_PER_FILE = 500
ITEMS_PER_SOURCE = 250


def parse_size(text: str) -> tuple[int, int]:
    """'20x1000' or a name from SIZES → (hypotheses, evidence items)."""
    if text in SIZES:
        return SIZES[text]
    hypotheses, _, evidence = text.lower().partition("x")
    return int(hypotheses), int(evidence)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def generate(hypotheses: int, evidence: int, seed: int = 1) -> dict[str, str]:
    """The files of a synthetic case ({relative path: text})."""
    rng = random.Random(seed)
    groups = max(1, hypotheses // 10)
    hyps: list[dict[str, object]] = []
    leaves: list[str] = []
    for g in range(groups):
        hyps.append(
            {
                "id": f"group-{g + 1}",
                "title": f"Group {g + 1}",
                "statement": _sentence(rng, 14) + ".",
            }
        )
    for h in range(hypotheses - 1):
        hid = f"h{h + 1}"
        entry: dict[str, object] = {
            "id": hid,
            "title": _sentence(rng, 3),
            "statement": _sentence(rng, 18) + ".",
            "indicators": [_sentence(rng, 10) + "."],
        }
        if h % 3 == 0:
            entry["parent"] = f"group-{(h // 3) % groups + 1}"
        hyps.append(entry)
        leaves.append(hid)
    hyps.append({"id": "other", "title": "Something else", "statement": "None of these."})
    leaves.append("other")
    # A parent without children would be a leaf; give every group at least one child.
    used_groups = {e.get("parent") for e in hyps}
    hyps = [e for e in hyps if not str(e["id"]).startswith("group-") or e["id"] in used_groups]

    files: dict[str, str] = {}
    sources = []
    quotes: list[tuple[str, str]] = []
    for s in range((evidence + ITEMS_PER_SOURCE - 1) // ITEMS_PER_SOURCE or 1):
        sid = f"source-{s + 1}"
        paragraphs = [f"Source {s + 1}"]
        count = min(ITEMS_PER_SOURCE, evidence - s * ITEMS_PER_SOURCE)
        for i in range(max(count, 1)):
            quote = f"Item {s * ITEMS_PER_SOURCE + i + 1}: " + _sentence(rng, 16).lower()
            paragraphs.append(f"{_sentence(rng, 12)}. {quote}. {_sentence(rng, 20)}.")
            quotes.append((sid, quote))
        files[f"evidence/sources/{sid}.txt"] = "\n\n".join(paragraphs) + "\n"
        sources.append(
            {
                "id": sid,
                "title": f"Report {s + 1}",
                "reliability": rng.choice("ABCF"),
                "file": f"sources/{sid}.txt",
            }
        )
    items = []
    for i in range(evidence):
        sid, quote = quotes[i]
        item: dict[str, object] = {
            "id": f"e{i + 1}",
            "summary": _sentence(rng, 12) + ".",
            "source": sid,
            "quote": quote,
            "credibility": rng.choice(LEVELS),
            "relevance": rng.choice(LEVELS),
            "date": f"2022-01-{1 + i % 28:02d}",
            "ratings": {hid: rng.choice(RATINGS) for hid in leaves},
        }
        if i % 7 == 0:
            item["originator"] = f"Official {i % 5}"
        items.append(item)
    arguments = [
        {
            "id": f"a{k + 1}",
            "claim": _sentence(rng, 10) + ".",
            "premises": [f"e{rng.randrange(evidence) + 1}"],
            "supports" if k % 2 == 0 else "attacks": rng.choice(leaves),
        }
        for k in range(min(10, evidence))
    ]
    files["hypotheses/case.yaml"] = dump_yaml(
        {
            "title": f"Synthetic case {hypotheses}x{evidence}",
            "question": "Which synthetic hypothesis best explains the synthetic evidence?",
            "hypotheses": hyps,
            "arguments": arguments,
        }
    )
    for f in range(0, evidence, ITEMS_PER_FILE):
        document: dict[str, object] = {"evidence": items[f : f + ITEMS_PER_FILE]}
        if f == 0:
            document = {"sources": sources, **document}
        files[f"evidence/evidence-{f // ITEMS_PER_FILE + 1:03d}.yaml"] = dump_yaml(document)
    return files


def write(folder: Path, hypotheses: int, evidence: int, seed: int = 1) -> Path:
    """Write a synthetic case into ``folder`` (created; must not hold a case already)."""
    for relative, text in generate(hypotheses, evidence, seed).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m benchmarks.generate SIZE FOLDER   (SIZE: 20x1000, small, ...)")
    h, e = parse_size(sys.argv[1])
    print(write(Path(sys.argv[2]), h, e))
