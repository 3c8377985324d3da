"""Taking analysts' ratings files into a case: `argmap workshop merge FILES… --into CASE`.

Every file is checked against the case first — its YAML, its keys, and that every
evidence and hypothesis id it names exists — and nothing is written unless all pass.
A file replaces the same analyst's file for the same round; the replaced file is kept
as a numbered backup beside it, never overwritten.

Proposals in the files (new evidence items, new hypotheses, votes) are listed, numbered;
none enters the case unless asked for by number or with ``all`` (`--accept-proposals`):
those are written by :func:`.proposals.apply`, one at a time. Votes are advisory: counted,
never written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..load import LoadResult, load_case, read_valid
from ..output import replace_with_backup
from ..problems import ArgmapError, CaseError, Problem, display_path
from ..ratingsfile import (
    RATINGS_FOLDER,
    Proposal,
    RatingsFile,
    analyst_key,
    check_ratings,
    ratings_file_name,
)
from ..yamlfile import YamlDocument
from .proposals import ProposalError, apply, check, describe, proposal_id, vote_counts
from .sheet import sheet_digest

__all__ = ["merge_ratings"]


@dataclass(frozen=True)
class _Incoming:
    path: Path
    raw: bytes
    doc: YamlDocument
    model: RatingsFile

    @property
    def identity(self) -> tuple[str, int]:
        return analyst_key(self.model.analyst), self.model.round


def _cells(model: RatingsFile) -> int:
    return sum(len(cells) for cells in model.ratings.values())


def _accepted(which: str | None, proposals: Sequence[tuple[_Incoming, Proposal]]) -> set[int]:
    """The numbers (from 1) of the proposals ``which`` names: 'all' (every evidence item and
    hypothesis), or numbers separated by commas."""
    if which is None:
        return set()
    writable = {n for n, (_, p) in enumerate(proposals, start=1) if p.type != "vote"}
    if which.strip().lower() == "all":
        return writable
    numbers: set[int] = set()
    for part in which.split(","):
        text = part.strip()
        if not text.isdigit() or not 1 <= int(text) <= len(proposals):
            raise ArgmapError(
                f"--accept-proposals: '{text}' is not the number of a proposal; the files hold "
                f"{len(proposals)} (numbered from 1 as merge lists them), or write 'all'"
            )
        if int(text) not in writable:
            raise ArgmapError(
                f"--accept-proposals: proposal {text} is a vote, and votes are advisory: "
                "merge lists them; a change of credibility or relevance is made by hand"
            )
        numbers.add(int(text))
    return numbers


def _take_proposals(
    folder: Path, proposals: Sequence[tuple[_Incoming, Proposal]], accept: set[int]
) -> list[str]:
    """Write the accepted proposals into the case, one at a time; the lines saying what
    happened to each proposal."""
    if not proposals:
        return []
    lines = [f"{len(proposals)} proposal{'s' if len(proposals) != 1 else ''} in the files:"]
    case = load_case(folder).case
    for number, (item, proposal) in enumerate(proposals, start=1):
        what = f"  {number}. {describe(proposal)} (from {item.model.analyst})"
        if proposal.type == "vote":
            reasons = check(case, proposal)
            lines.append(f"{what}: advisory{'; ' + '; '.join(reasons) if reasons else ''}")
            continue
        if number not in accept:
            reasons = check(case, proposal)
            if reasons:
                lines.append(f"{what}: cannot be accepted: {'; '.join(reasons)}")
            else:
                lines.append(f"{what}: not written (accept it with --accept-proposals {number})")
            continue
        ident = proposal_id(case, proposal)
        try:
            written = apply(folder, proposal, by=item.model.analyst)
        except ProposalError as err:
            lines.append(f"{what}: not written: {err}")
            continue
        backup = f"; backup: {display_path(written[1])}" if len(written) > 1 else ""
        lines.append(f"{what}: written to {display_path(written[0])} as '{ident}'{backup}")
        case = load_case(folder).case
    votes = vote_counts(p for _, p in proposals)
    for eid, kinds in votes.items():
        counted = "; ".join(
            f"{name} " + ", ".join(f"{level} ×{n}" for level, n in levels.items() if n)
            for name, levels in kinds.items()
            if any(levels.values())
        )
        lines.append(f"votes on {eid} (advisory, not written): {counted}")
    return lines


def merge_ratings(
    files: Sequence[Path], folder: Path, accept_proposals: str | None = None
) -> tuple[list[str], list[Problem]]:
    """Check ``files`` against the case in ``folder`` and write them into its
    evidence/ratings/; returns the lines to print and the case's warnings afterwards.
    The proposals in the files are listed; those ``accept_proposals`` names ('all', or
    their numbers as listed: '1,3') are written into the case.

    Raises :class:`CaseError` (and writes nothing) when any file is invalid.
    """
    loaded = load_case(folder)
    case = loaded.case
    evidence_ids = {e.id for e in case.evidence}
    leaf_ids = [h.id for h in case.leaves]
    hypothesis_ids = {h.id for h in case.hypotheses}

    problems: list[Problem] = []
    incoming: list[_Incoming] = []
    for path in files:
        read = read_valid(path, RatingsFile, problems)
        if read is None:
            continue
        doc, model = read
        assert isinstance(model, RatingsFile)
        _, found = check_ratings(
            [(doc, model)],
            evidence_ids=evidence_ids,
            leaf_ids=leaf_ids,
            hypothesis_ids=hypothesis_ids,
            folder=folder,
        )
        errors = [p for p in found if p.severity == "error"]
        problems.extend(errors)
        if not errors:
            incoming.append(_Incoming(path, path.read_bytes(), doc, model))

    first_of: dict[tuple[str, int], _Incoming] = {}
    for item in incoming:
        earlier = first_of.setdefault(item.identity, item)
        if earlier is not item:
            problems.append(
                Problem(
                    "error",
                    item.path,
                    item.doc.line_of(("analyst",)),
                    "analyst",
                    f"{item.model.analyst}'s round {item.model.round} ratings are also in "
                    f"{display_path(earlier.path)}",
                    "merge one file per analyst and round",
                )
            )
    if problems:
        raise CaseError(problems)
    proposals = [(item, proposal) for item in incoming for proposal in item.model.proposals]
    accept = _accepted(accept_proposals, proposals)

    existing = {(f.key, f.round): f.path for f in loaded.ratings}
    taken = {path.resolve() for path in existing.values()}
    current = "sha256:" + sheet_digest(case)
    plan: list[tuple[_Incoming, Path]] = []
    for item in incoming:
        target = existing.get(item.identity)
        if target is None:
            target = (
                folder / RATINGS_FOLDER / ratings_file_name(item.model.analyst, item.model.round)
            )
            stem, number = target.name.removesuffix(".yaml"), 2
            # Two names can share a file-name stem ("Ann O'Neil", "ann-o-neil").
            while target.resolve() in taken or target.exists():
                target = target.with_name(f"{stem}-{number}.yaml")
                number += 1
        taken.add(target.resolve())
        plan.append((item, target))

    lines: list[str] = []
    for item, target in plan:
        who = f"{item.model.analyst}, round {item.model.round}, {_cells(item.model)} cells"
        if item.model.digest and item.model.digest != current:
            lines.append(
                f"note: {display_path(item.path)} was rated on another version of the case: "
                "its hypotheses or evidence have changed since the sheet was made"
            )
        if target.exists() and target.read_bytes() == item.raw:
            lines.append(f"{display_path(target)}: {who} (unchanged)")
            continue
        backup = replace_with_backup(target, item.raw)
        if backup is None:
            lines.append(f"{display_path(target)}: {who} (new)")
        else:
            lines.append(
                f"{display_path(target)}: {who} (replaced; backup: {display_path(backup)})"
            )
    lines += _take_proposals(folder, proposals, accept)
    return lines, _changes_named(load_case(folder))


def _changes_named(loaded: LoadResult) -> list[Problem]:
    """The case's warnings, each rating changed without a rationale worded with who changed
    it (the letter the report gives them, and their name), which item and which hypothesis:
    a facilitator reads these on the live server's page too, where the file and the field
    are not shown."""
    from ..ratingsfile import anonymous_labels, round_changes
    from ..rules import RULES

    case = loaded.case
    labels = anonymous_labels((f.key for f in loaded.ratings), case.title)
    summaries = {e.id: e.summary for e in case.evidence}
    titles = {h.id: h.title for h in case.hypotheses}
    silent = {
        (c.path, f"ratings.{c.evidence}.{c.hypothesis}"): c
        for c in round_changes(loaded.ratings)
        if c.why is None
    }
    result = []
    for found in loaded.warnings:
        change = silent.get((found.file, found.field))
        if change is None:
            result.append(found)
            continue
        message = (
            f"analyst {labels[change.key]} ({change.analyst}) changed "
            f"'{summaries[change.evidence]}' ({change.evidence}) against "
            f"{titles[change.hypothesis]} from {change.before} in round {change.from_round} "
            f"to {change.after} in round {change.to_round} without a rationale"
        )
        _, hint = RULES["ratings_changed_silently"].render(
            before=change.before, after=change.after, from_round=change.from_round
        )
        result.append(Problem(found.severity, found.file, found.line, found.field, message, hint))
    return result
