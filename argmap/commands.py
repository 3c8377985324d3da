"""What each CLI command does, apart from parsing its arguments.

Heavy modules (numpy, Graphviz, Jinja2) are imported inside the functions
that need them, so `argmap --help` starts fast.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .problems import ArgmapError, Problem

if TYPE_CHECKING:
    from .evaluate import Evaluation
    from .load import LoadResult
    from .model import Case
    from .scoring import Scores

__all__ = [
    "check",
    "diagram",
    "edit",
    "evaluate",
    "export_case",
    "export_case_files",
    "files_read",
    "import_file",
    "report",
    "scaffold",
    "schema",
    "score",
    "workshop_merge",
    "workshop_sheet",
]


_READ: dict[Path, tuple[Path, ...]] = {}
"""Case folder → the files its last load in this process read (see :func:`files_read`)."""


def files_read(folder: Path) -> tuple[Path, ...] | None:
    """The files a command of this process read from the case in ``folder``, or None if it
    read none: what an output must never replace, known without loading the case again."""
    return _READ.get(folder.resolve())


def load(folder: Path) -> LoadResult:
    """The case, its warnings with those of the map and the matrix held together (argmap.
    coherence: they need the argument map evaluated, so the loader cannot find them)."""
    from .coherence import coherence_warnings
    from .load import load_case

    result = load_case(folder)
    _READ[folder.resolve()] = tuple(result.inputs)
    found = coherence_warnings(result)
    if found:
        result.warnings = sorted(result.warnings + found, key=lambda p: p.sort_key)
    return result


def check(folder: Path) -> tuple[Case, list[Problem], str]:
    """Validate a case; returns it, its warnings and a note on analysts' ratings files
    (raises CaseError on errors)."""
    result = load(folder)
    note = ""
    if result.ratings:
        analysts = len({r.key for r in result.ratings})
        files = len(result.ratings)
        note = (
            f", {files} ratings file{'s' if files != 1 else ''} from {analysts} "
            f"analyst{'s' if analysts != 1 else ''}"
        )
    return result.case, result.warnings, note


def _scores(case: Case) -> Scores:
    from .scoring import score_case

    return score_case(case)


def score(
    folder: Path,
    fmt: str,
    *,
    draws: int | None = None,
    seed: int | None = None,
    likelihoods: dict[str, float] | None = None,
    analyst: str | None = None,
    consensus: bool = False,
    round_number: int | None = None,
    scenarios: bool = False,
) -> tuple[str, list[Problem]]:
    """The scores as a table or JSON text; with ``analyst`` or ``consensus``, of the matrix
    as that analyst rated it or of the analysts' consensus (docs/workshops.md); the table
    lists the scenarios with ``scenarios`` (JSON always holds them)."""
    from .assess import assess, assessment_json
    from .coherence import disagreements

    result = load(folder)
    case = result.case
    if likelihoods:
        _check_likelihoods(case, likelihoods)
    ratings: dict[str, object] | None = None
    if analyst is not None or consensus:
        case, ratings = _workshop_case(result, analyst, round_number)
    assessment = assess(case, draws=draws, seed=seed, likelihoods=_merged(case, likelihoods))
    document = assessment_json(assessment)
    document["coherence"] = [d.to_json(case) for d in disagreements(case)]
    if ratings is not None:
        document["ratings"] = ratings
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n", result.warnings
    text = _score_table(case, document) + _assumptions_table(document)
    if scenarios:
        text += _scenarios_table(document)
    return text, result.warnings


def _ranking_words(ranking: list[dict], titles: dict[str, str], confidence: str) -> str:
    """The top three of a ranking, their posteriors in the words' precision (5 points with
    low confidence)."""
    from .wording import percent

    return ", ".join(
        f"{titles[r['id']]} {percent(r['posterior'], confidence)}" for r in ranking[:3]
    )


def _assumptions_table(document: dict) -> str:
    """The key assumptions check (Heuer): each assumption, what would break it, and what
    its failing does to the lead."""
    assumptions = document.get("assumptions") or []
    if not assumptions:
        return ""
    from .wording import whose_lead

    titles = {h["id"]: h["title"] for h in document["hypotheses"]}
    confidence = document["confidence"]["level"]
    head = document.get("headline") or {}
    leaders = [head["title"]] + [h["title"] for h in head.get("shared") or []] if head else []
    lines = [
        "",
        "key assumptions (if one fails, what rests on it goes too; 'the lead' below is "
        f"{whose_lead(leaders)}):"
        if leaders
        else "key assumptions (if one fails, what rests on it goes too):",
    ]
    for a in assumptions:
        scenario = a["scenario"]
        lines.append(f"  - {a['text']}")
        if a["breaks_if"]:
            lines.append(f"      breaks if: {a['breaks_if']}")
        else:
            lines.append("      breaks if: (not stated: add 'breaks_if:')")
        if not a["items"]:
            count = len(a["arguments"])
            rest = f"{count} argument{'s' if count != 1 else ''} of the map" if count else "nothing"
            lines.append(f"      without it: {rest} but nothing in the matrix rests on it")
            continue
        held = "the lead holds" if scenario["survives"] else "the lead changes"
        lines.append(
            f"      without it ({len(a['items']):,} item{'s' if len(a['items']) != 1 else ''}): "
            f"{held}: {_ranking_words(scenario['ranking'], titles, confidence)}"
        )
    return "\n".join(lines) + "\n"


def _scenarios_table(document: dict) -> str:
    """Every scenario with its leader and whether the conclusion survives it."""
    from .scenarios import MAX_PER_KIND

    titles = {h["id"]: h["title"] for h in document["hypotheses"]}
    confidence = document["confidence"]["level"]
    results = document.get("scenarios") or []
    if not results:
        return "\nscenarios: none (no originators, sources, assumptions or declared scenarios)\n"
    from .wording import whose_lead

    held = sum(r["survives"] for r in results)
    place = {h["id"]: k for k, h in enumerate(document["hypotheses"])}
    p_top = {h["id"]: h["p_top"] for h in document["hypotheses"]}
    leaders = sorted(document["top"], key=lambda hid: (-p_top[hid], place[hid]))
    whose = whose_lead([titles[hid] for hid in leaders])
    lines = ["", f"scenarios: {whose} holds in {held} of {len(results)}"]
    for r in results:
        mark = "holds" if r["survives"] else "FAILS"
        lines.append(f"  {mark}  {r['title']}" + ("" if r["generated"] else " (the case's)"))
        tie = len(r["leader"]) > 1
        lines.append(
            "         "
            + (f"tie at the top of {len(r['leader'])}: " if tie else "")
            + _ranking_words(r["ranking"], titles, confidence)
        )
    for kind, count in document.get("scenarios_not_tried", {}).items():
        lines.append(f"  ({count} more {kind} not tried: only the {MAX_PER_KIND} weightiest are)")
    return "\n".join(lines) + "\n"


def _workshop_case(
    result: LoadResult, analyst: str | None, round_number: int | None
) -> tuple[Case, dict[str, object]]:
    """The case with an analyst's (or, without one, the consensus) ratings, described."""
    from .workshop.aggregate import analyst_case, build_workshop, consensus_case

    workshop = build_workshop(result.case, result.ratings, round_number)
    if analyst is not None:
        index = workshop.find(analyst)
        who = workshop.analysts[index]
        described: dict[str, object] = {"by": "analyst", "analyst": who.name, "round": who.round}
        return analyst_case(result.case, workshop, index), described
    described = {
        "by": "consensus",
        "round": workshop.round,
        "analysts": len(workshop.analysts),
    }
    return consensus_case(result.case, workshop), described


def _merged(case: Case, likelihoods: dict[str, float] | None) -> dict[str, float] | None:
    if not likelihoods:
        return None
    from .model import DEFAULT_LIKELIHOODS

    base = case.scoring.merged_likelihoods() if case.scoring else dict(DEFAULT_LIKELIHOODS)
    return {**base, **likelihoods}


def _check_likelihoods(case: Case, likelihoods: dict[str, float]) -> None:
    from pydantic import ValidationError

    from .model import Scoring

    try:
        Scoring(likelihoods=_merged(case, likelihoods))  # type: ignore[arg-type]
    except ValidationError as err:
        message = err.errors()[0]["msg"].removeprefix("Value error, ")
        raise ArgmapError(f"--likelihood: {message}") from None


def _score_table(case: Case, document: dict) -> str:
    from .wording import figure, notes_by_row, percent, percent_range, share

    level = document["confidence"]["level"]
    header = ("rank", "hypothesis", "inconsistency", "weighted", "posterior", "5–95%", "P(top)", "")
    rows = [header]
    # One order: PARC rank, hypotheses sharing a rank by posterior (the caption says so).
    hypotheses = sorted(document["hypotheses"], key=lambda h: (h["rank"], -h["posterior"]))
    notes = notes_by_row(
        [(d["posterior_first"], d["sentence"]) for d in document.get("order_disagreements", ())]
    )
    for h in hypotheses:
        parent = case.hypothesis_by_id[h["parent"]].title if h["parent"] else None
        title = h["title"] + (f"  (in {parent})" if parent else "")
        rows.append(
            (
                str(h["rank"]),
                title,
                figure(h["inconsistency"]),
                figure(h["weighted_inconsistency"]),
                percent(h["posterior"], level),
                percent_range(h["interval"][0], h["interval"][1], level),
                share(h["p_top"], level),
                h["estimate"],
            )
        )
    widths = [max(len(row[k]) for row in rows) for k in range(len(header))]
    align = "><>>>>><"
    lines = [f"{case.title}", f"{case.question}", ""]
    ratings = document.get("ratings")
    if ratings:
        if ratings["by"] == "analyst":
            lines[-1:] = [f"ratings: {ratings['analyst']}'s, round {ratings['round']}", ""]
        else:
            count = ratings["analysts"]
            lines[-1:] = [
                f"ratings: consensus of {count} analyst{'s' if count != 1 else ''}, "
                f"round {ratings['round']}",
                "",
            ]
    if not document["hypotheses"]:
        lines.append("The case has no hypotheses yet: add them under 'hypotheses:' to score it.")
        return "\n".join(lines) + "\n"
    lines.append("by PARC rank (1 = least weighted inconsistency); a shared rank by posterior")
    for index, row in enumerate(rows):
        cells = [f"{cell:{align[k]}{widths[k]}}" for k, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("-" * len(lines[-1]))
        else:
            lines += [f"      ↳ {note}" for note in notes.get(hypotheses[index - 1]["id"], ())]
    for group in document["groups"]:
        lines.append(
            f"   group {group['title']}: posterior {percent(group['posterior'], level)} "
            f"({percent_range(group['interval'][0], group['interval'][1], level)}, "
            f"{group['estimate']}), P(top) {share(group['p_top'], level)}"
        )
    headline = document.get("headline")
    if headline:
        lines += ["", _headline_line(headline), f"  {headline['why']}"]
        if headline["together"]:
            lines.append(f"  {headline['together']}")
    confidence = document["confidence"]
    lines += ["", f"confidence: {confidence['level']}"]
    lines += [f"  - {reason}" for reason in confidence["reasons"]]
    lines += ["", document["sensitivity"]["summary"]]
    linchpins = [
        case.evidence_by_id[e["id"]].summary for e in document["evidence"] if e["linchpin"]
    ]
    if linchpins:
        lines.append("linchpins (removing any one changes the top):")
        lines += [f"  - {summary}" for summary in linchpins]
    top = [e for e in document["evidence"][:5] if e["diagnosticity"] > 0]
    if top:
        lines += ["", "most diagnostic evidence:"]
        lines += [f"  {e['diagnosticity']:>7.3g}  {e['id']}" for e in top]
    if document["caveats"]:
        lines += ["", "caveats:"] + [f"  - {c}" for c in document["caveats"]]
    disagreements = len(document.get("coherence", ()))
    if disagreements:
        places = "one place" if disagreements == 1 else f"{disagreements} places"
        lines += [
            "",
            f"the argument map and the matrix disagree in {places}: `argmap check` lists "
            "them, the report explains them",
        ]
    return "\n".join(lines) + "\n"


def _headline_line(headline: dict) -> str:
    """The verdict's first line: what is most probable, or that nothing stands apart and
    which leaf (or leaves, level) has the highest posterior."""
    from .vocabulary import or_list

    if headline["separable"]:
        group = " (a group of hypotheses)" if headline["level"] == "group" else ""
        return (
            f"most probable: {headline['title']}{group} — {headline['words']} ({headline['range']})"
        )
    top = [headline, *headline["shared"]]
    if len(top) == 1:
        return (
            f"nothing stands apart; highest posterior: {headline['title']} — "
            f"{headline['words']} ({headline['range']})"
        )
    if len({(t["words"], t["range"]) for t in top}) == 1:
        shown = f"{or_list([t['title'] for t in top], 'and')} — {headline['words']} "
        shown += f"({headline['range']} each)"
    else:
        shown = or_list([f"{t['title']} — {t['words']} ({t['range']})" for t in top], "and")
    return f"nothing stands apart; sharing the highest posterior: {shown}"


def diagram_source(
    case: Case,
    kind: str,
    max_evidence: int | None = None,
    focus: str | None = None,
    depth: int | None = None,
    *,
    compact: bool = False,
) -> str:
    from .render.dot import argument_map, evidence_map

    if kind == "arguments":
        from .evaluate import evaluate

        if focus is not None:
            _check_focus(case, focus)
        evaluation = evaluate(case)
        return argument_map(
            case, labels=evaluation.labels, reasons=evaluation.reasons, focus=focus, depth=depth
        )
    return evidence_map(case, _scores(case), max_evidence=max_evidence, compact=compact)


def _check_focus(case: Case, focus: str) -> None:
    """A focus must be a hypothesis or a statement of the case."""
    from .text import Suggestions

    known = [h.id for h in case.hypotheses] + [s.id for s in case.statements]
    if focus not in known:
        raise ArgmapError(
            f"--focus {focus!r} is no hypothesis or statement of the case; "
            f"{Suggestions()(focus, known)}give the id of a hypothesis or a statement "
            "(`argmap evaluate` lists them)"
        )


def diagram(
    folder: Path,
    kind: str,
    fmt: str,
    focus: str | None = None,
    depth: int | None = None,
    *,
    max_evidence: int | None = None,
    compact: bool = False,
) -> tuple[bytes, list[Problem]]:
    """A diagram as DOT, SVG, PNG or PDF bytes; the argument map may focus on one hypothesis or
    statement (what bears on it, to ``depth`` layers of arguments), the evidence map keep the
    ``max_evidence`` most diagnostic items or, ``compact``, those that separate the leaders."""
    result = load(folder)
    source = diagram_source(
        result.case, kind, max_evidence=max_evidence, focus=focus, depth=depth, compact=compact
    )
    if fmt == "dot":
        return source.encode("utf-8"), result.warnings
    from .render.engine import layout

    return layout(source, fmt, embed_font=True), result.warnings


def report(
    folder: Path,
    templates: Path | None = None,
    *,
    names: bool = False,
    progress: Callable[[str], None] = lambda _message: None,
) -> tuple[str, list[Problem]]:
    """The HTML report as text, and the case's warnings (see :func:`render.report.build_report`)."""
    from .render.report import build_report

    progress("reading the case")
    result = load(folder)
    return build_report(result, templates, names=names, progress=progress), result.warnings


def schema(part: str) -> str:
    """JSON Schema of a hypotheses, evidence or ratings file, or of the JSON document."""
    from pydantic import BaseModel

    from .model import EvidenceFile, HypothesesFile, describe_fields
    from .ratingsfile import RatingsFile

    if part == "json":
        from .io.jsondoc import json_schema

        return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    models: dict[str, type[BaseModel]] = {
        "hypotheses": HypothesesFile,
        "evidence": EvidenceFile,
        "ratings": RatingsFile,
    }
    model = models[part]
    describe_fields(model)
    document = model.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = f"argmap {part} file"
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def scaffold(folder: Path) -> list[Path]:
    """Write a small valid case into ``folder`` (which must be empty or absent)."""
    from .casewriter import write_new_case
    from .scaffold import FILES

    files = dict(FILES)
    for part in ("hypotheses", "evidence"):
        files[f"schema/{part}.schema.json"] = schema(part)
    return write_new_case(folder, files)


def edit(folder: Path, *, port: int = 0, browser: bool = True) -> None:
    """Run the editor over ``folder`` until interrupted (a new case gets the JSON Schemas
    `argmap init` writes, for editors)."""
    from .editor import serve

    schemas = {f"schema/{part}.schema.json": schema(part) for part in ("hypotheses", "evidence")}
    serve(folder, port=port, browser=browser, extra_files=schemas)


def import_file(
    fmt: str,
    file: Path,
    *,
    output: Path | None,
    into: Path | None,
    summary: bool,
    warnings: list[Problem] | None = None,
) -> list[str]:
    """Run an importer; returns the lines to print, and adds to ``warnings`` what the importer
    read differently from the file (an importer with ``case_files`` says so)."""
    from .io import importer

    module = importer(fmt)
    if summary:
        if not hasattr(module, "summary"):
            raise ArgmapError(f"--summary is not available for {fmt}")
        return [json.dumps(module.summary(file), indent=2, ensure_ascii=False)]
    if into is not None:
        if not hasattr(module, "merge_into"):
            raise ArgmapError(f"--into is not available for {fmt}; use -o NEW_CASE")
        return list(module.merge_into(file, into))
    assert output is not None
    from .casewriter import write_new_case

    if hasattr(module, "case_files"):
        files, found = module.case_files(file)
        if warnings is not None:
            warnings.extend(found)
    else:
        files = module.to_case_files(file)
    written = write_new_case(output, files)
    return [os.path.abspath(path) for path in written]


def export_case(fmt: str, folder: Path) -> tuple[str | bytes, bool, list[Problem]]:
    """Run an exporter on a validated case."""
    from .io import exporter

    module = exporter(fmt)
    result = load(folder)
    return module.export(result.case), bool(getattr(module, "BINARY", False)), result.warnings


def export_case_files(
    fmt: str, folder: Path, target: Path
) -> tuple[dict[Path, bytes], list[Problem]]:
    """Run an exporter for an output file: ``{path: bytes}`` to write, ``target`` last.

    An exporter that writes files beside its main output (Markdown's diagram) provides
    ``export_files(case, target) -> dict[Path, bytes]``; the others give ``target`` alone.
    """
    from .io import exporter

    module = exporter(fmt)
    result = load(folder)
    if hasattr(module, "export_files"):
        files = dict(module.export_files(result.case, target))
        files[target] = files.pop(target)  # the main file last: what it links exists first
        return files, result.warnings
    data = module.export(result.case)
    return {target: data.encode("utf-8") if isinstance(data, str) else data}, result.warnings


def evaluate(folder: Path, fmt: str) -> tuple[str, list[Problem]]:
    """The argument map's labels as a table or JSON text (`argmap evaluate`)."""
    from .evaluate import evaluate as run

    result = load(folder)
    evaluation = run(result.case)
    if fmt == "json":
        document = evaluation.to_json()
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n", result.warnings
    return _evaluation_table(result.case, evaluation), result.warnings


def _evaluation_table(case: Case, evaluation: Evaluation) -> str:
    from .model import STANDARD_NAMES

    labels, reasons = evaluation.labels, evaluation.reasons
    width = min(36, max((len(node) for node in labels), default=0))
    lines = [case.title, case.question]

    def row(node: str, text: str, depth: int = 0) -> str:
        return f"  {labels[node]:<9}  {'  ' * depth + node:<{width}}  {text}"

    if case.hypotheses:
        lines += ["", "hypotheses"]
    for h, depth in case.hypotheses_in_order:
        verdict = evaluation.verdicts[h.id]
        met = STANDARD_NAMES[verdict.strongest] if verdict.strongest else "none"
        if verdict.strongest is None and verdict.met is None:
            met = "not yet known"
        if verdict.unopposed:
            met = "met, unopposed"
        meets = met if verdict.unopposed else f"meets {met}"
        lines.append(row(h.id, f"needs {STANDARD_NAMES[verdict.standard]}; {meets}", depth))
        lines.append(f"  {'':<9}  {'':<{width}}  {verdict.why}")
    sections = (
        ("statements", [s.id for s in case.statements]),
        ("arguments", [a.id for a in case.arguments]),
    )
    for title, nodes in sections:
        if nodes:
            lines += ["", title] + [row(node, reasons[node]) for node in nodes]
    if case.evidence:
        given = [e.id for e in case.evidence if labels[e.id] == "in"]
        lines += ["", f"evidence: {len(given)} of {len(case.evidence)} in (not attacked)"]
        lines += [row(e.id, reasons[e.id]) for e in case.evidence if labels[e.id] != "in"]
    counts = {
        label: sum(v == label for v in labels.values()) for label in ("in", "out", "undecided")
    }
    lines += ["", f"{counts['in']} in, {counts['out']} out, {counts['undecided']} undecided."]
    premises = {p for a in case.arguments for p in a.premises}
    bare = [
        s.id
        for s in case.statements
        if s.id in premises
        and not s.assumed
        and not any(a.supports == s.id for a in case.arguments)
    ]
    if bare:
        lines.append(
            f"note: {len(bare)} premise statement{'s are' if len(bare) != 1 else ' is'} neither "
            f"assumed nor argued for, so out: {', '.join(bare)} (mark one you take as given "
            "with 'assumed: true')."
        )
    return "\n".join(lines) + "\n"


def workshop_sheet(folder: Path, analyst: str, round_number: int) -> tuple[str, str]:
    """An analyst's rating sheet as HTML, and the file name it suggests for itself."""
    from .ratingsfile import analyst_slug
    from .workshop.sheet import render_sheet, sheet_context

    if not analyst.strip():
        raise ArgmapError("--analyst needs a name")
    if len(analyst.strip()) > 80 or "\n" in analyst:
        raise ArgmapError("--analyst: a name is one line of at most 80 characters")
    result = load(folder)
    context = sheet_context(result.case, analyst, round_number, result.ratings)
    slug = analyst_slug(context.analyst)
    name = f"{slug}.html" if round_number == 1 else f"{slug}.round{round_number}.html"
    return render_sheet(context), name


def workshop_merge(
    files: list[Path], folder: Path, accept_proposals: str | None = None
) -> tuple[list[str], list[Problem]]:
    """Take analysts' ratings files into the case, and the proposals ``accept_proposals``
    names ('all' or numbers); the lines to print and the case's warnings."""
    from .workshop.merge import merge_ratings

    return merge_ratings(files, folder, accept_proposals)
