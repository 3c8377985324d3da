"""Participants' proposals (argmap/workshop/proposals.py): the format, the checks against the
case, and an accepted item written into the case with nothing else changed."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from argmap.editing import BACKUPS
from argmap.load import load_case
from argmap.workshop.proposals import (
    ProposalError,
    apply,
    check,
    parse_proposal,
    proposal_id,
    vote_counts,
)

from .conftest import REPO


def _backup(folder, path):
    """Where an accepted proposal keeps a file's backup: the editor's, in .argmap/backups/."""
    return folder / BACKUPS / path.relative_to(folder).with_name(path.name + ".bak")


def _git_diff(folder, path) -> str:
    """What ``git diff --no-index`` says changed from the backup to the file."""
    done = subprocess.run(
        ["git", "diff", "--no-index", "--unified=0", str(_backup(folder, path)), str(path)],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    return done.stdout


def _added(diff: str) -> list[str]:
    lines = [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert all(line.startswith("+") for line in lines), diff
    return [line[1:] for line in lines]


@pytest.fixture
def shipped(tmp_path):
    """A copy of the shipped case (its own analysts' files left out)."""
    folder = tmp_path / "case"
    shutil.copytree(REPO / "hypotheses", folder / "hypotheses")
    shutil.copytree(
        REPO / "evidence", folder / "evidence", ignore=shutil.ignore_patterns("ratings")
    )
    return folder


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"type": "vote", "evidence": "van"}, "neither 'credibility' nor 'relevance'"),
        ({"type": "vote", "evidence": "van", "credibility": "hi"}, "credibility: Input should be"),
        ({"type": "evidence", "source": "report", "summary": "s"}, "needs 'quote'"),
        (
            {"type": "hypothesis", "title": "t", "statement": "s", "quote": "q"},
            "'quote' is not part of a proposal of type hypothesis",
        ),
        ({"type": "rumour"}, "type: Input should be 'evidence', 'hypothesis' or 'vote'"),
        ({"type": "vote", "evidence": "van", "relevance": "low", "by": "x"}, "unknown key 'by'"),
        ({"type": "vote", "evidence": "Van!", "relevance": "low"}, "evidence:"),
    ],
)
def test_a_bad_proposal_is_refused_naming_its_field(data, says):
    with pytest.raises(ProposalError, match="the proposal is not valid") as caught:
        parse_proposal(data)
    assert says in str(caught.value)


def test_check_finds_the_quote_as_the_loader_does(write_case):
    case = load_case(write_case()).case
    # Curly quotes, other line breaks: the loader forgives typography, so does check.
    found = parse_proposal(
        {
            "type": "evidence",
            "source": "report",
            "quote": "Inspectors had flagged  the wiring\nas outdated",
            "summary": "The wiring was flagged.",
        }
    )
    assert check(case, found) == []
    missing = found.model_copy(update={"quote": "The wiring was new."})
    assert check(case, missing) == ["the quote is not in the text of 'report' as written"]
    twice = found.model_copy(update={"quote": "the"})
    assert "more than once" in check(case, twice)[0]
    again = found.model_copy(update={"quote": "Witnesses saw two men leave the yard in a van."})
    assert check(case, again) == ["the case already has this quote, as 'van'"]
    nowhere = found.model_copy(update={"source": "diary"})
    assert check(case, nowhere) == ["'diary' is not a source of the case"]


def test_check_hypotheses_and_votes(write_case):
    case = load_case(write_case()).case
    rated_parent = parse_proposal(
        {"type": "hypothesis", "title": "Insurance fraud", "statement": "s", "parent": "arson"}
    )
    assert "'arson' is rated" in check(case, rated_parent)[0]
    same_title = parse_proposal({"type": "hypothesis", "title": "arson ", "statement": "s"})
    assert check(case, same_title) == ["the case already has a hypothesis titled so, 'arson'"]
    vote = parse_proposal({"type": "vote", "evidence": "vann", "credibility": "low"})
    assert check(case, vote) == ["'vann' is not an evidence item of the case"]


def test_an_accepted_evidence_item_is_the_only_change_to_its_file(shipped):
    loaded = load_case(shipped)
    text = loaded.case.source_texts["kazakhstans-unrest"]
    # A passage as a browser's selection gives it: lines joined, curly quotes kept.
    paragraph = text.split("\n\n")[5]
    quote = " ".join(paragraph.split()[1:14])
    proposal = parse_proposal(
        {
            "type": "evidence",
            "source": "kazakhstans-unrest",
            "quote": quote,
            "summary": "Tokayev appealed to the CSTO on the evening of 5 January.",
            "credibility": "high",
            "note": "The appeal's timing matters\nfor regime-let-run.",
        }
    )
    assert (
        proposal_id(loaded.case, proposal)
        == "tokayev-appealed-to-the-csto-on-the-evening-of-5-january"
    )
    evidence = shipped / "evidence" / "kazakhstan.yaml"
    before = evidence.read_bytes()
    written = apply(shipped, proposal, by="Ann")
    assert written == [evidence, _backup(shipped, evidence)]
    assert written[1].read_bytes() == before
    assert _added(_git_diff(shipped, evidence)) == [
        "",
        "  - id: tokayev-appealed-to-the-csto-on-the-evening-of-5-january",
        "    summary: Tokayev appealed to the CSTO on the evening of 5 January.",
        "    source: kazakhstans-unrest",
        f"    quote: {quote}",
        "    credibility: high",
    ]
    after = load_case(shipped)  # no error
    item = after.case.evidence_by_id["tokayev-appealed-to-the-csto-on-the-evening-of-5-january"]
    assert item.quote == quote
    # Proposed again (a ratings file merged twice), it is already in the case.
    with pytest.raises(ProposalError, match="already has this quote"):
        apply(shipped, proposal)
    assert not _backup(shipped, evidence).with_name("kazakhstan.yaml.bak2").exists()
    assert not evidence.with_name("kazakhstan.yaml.bak").exists()  # git status: the item only


def test_an_accepted_hypothesis_joins_the_list_before_the_next_key(shipped):
    proposal = parse_proposal(
        {
            "type": "hypothesis",
            "title": "Clan rivalry",
            "statement": "Regional clans fought it out.",
        }
    )
    path = shipped / "hypotheses" / "kazakhstan.yaml"
    apply(shipped, proposal)
    assert _added(_git_diff(shipped, path)) == [
        "  - id: clan-rivalry",
        "    title: Clan rivalry",
        "    statement: Regional clans fought it out.",
        "",
    ]
    case = load_case(shipped).case
    assert case.leaves[-1].id == "clan-rivalry"


def test_a_list_written_without_indentation(write_case):
    hypotheses = "title: T\nquestion: Q?\nhypotheses:\n- {id: a, title: A, statement: A.}\n- id: b\n  title: B\n  statement: B.\n"
    folder = write_case({"hypotheses/case.yaml": hypotheses, "evidence/evidence.yaml": None})
    apply(folder, parse_proposal({"type": "hypothesis", "title": "C", "statement": "C."}))
    assert (
        (folder / "hypotheses" / "case.yaml")
        .read_text()
        .endswith("  statement: B.\n- id: c\n  title: C\n  statement: C.\n")
    )
    assert [h.id for h in load_case(folder).case.hypotheses] == ["a", "b", "c"]


def test_a_proposal_that_would_break_the_case_leaves_it_as_it_was(write_case):
    # Priors given to every hypothesis sum to 1: one more without a prior breaks them.
    hypotheses = (
        "title: T\nquestion: Q?\nhypotheses:\n"
        "  - {id: a, title: A, statement: A., prior: 0.5}\n"
        "  - {id: b, title: B, statement: B., prior: 0.5}\n"
    )
    folder = write_case({"hypotheses/case.yaml": hypotheses, "evidence/evidence.yaml": None})
    proposal = parse_proposal({"type": "hypothesis", "title": "C", "statement": "C."})
    path = folder / "hypotheses" / "case.yaml"
    with pytest.raises(ProposalError, match="would leave the case with errors") as caught:
        apply(folder, proposal)
    assert "leaving nothing for c" in str(caught.value)
    assert path.read_text() == hypotheses


def test_votes_are_not_written_but_counted(write_case):
    folder = write_case()
    vote = parse_proposal({"type": "vote", "evidence": "van", "credibility": "low"})
    with pytest.raises(ProposalError, match="advisory"):
        apply(folder, vote)
    other = parse_proposal({"type": "vote", "evidence": "alarm", "relevance": "high"})
    assert vote_counts([vote, other, vote]) == {
        "alarm": {
            "credibility": {"high": 0, "medium": 0, "low": 0},
            "relevance": {"high": 1, "medium": 0, "low": 0},
        },
        "van": {
            "credibility": {"high": 0, "medium": 0, "low": 2},
            "relevance": {"high": 0, "medium": 0, "low": 0},
        },
    }


def test_an_evidence_file_without_a_list_gets_one(write_case):
    sources = "# The sources.\nsources:\n  - id: report\n    title: Harbour report\n    file: sources/report.txt\n"
    folder = write_case({"evidence/evidence.yaml": sources})
    proposal = parse_proposal(
        {"type": "evidence", "source": "report", "quote": "The alarm system", "summary": "Alarm."}
    )
    apply(folder, proposal)
    assert (folder / "evidence" / "evidence.yaml").read_text() == sources + (
        "\nevidence:\n  - id: alarm\n    summary: Alarm.\n"
        "    source: report\n    quote: The alarm system\n"
    )
