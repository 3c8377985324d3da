"""The rating vocabulary is defined once (argmap/vocabulary.py) and everything reads it.

Three kinds of test: the table states the method (METHOD.md) and is consistent in itself;
no module or template spells out a collection of rating codes of its own (a source guard);
and every place that lists ratings — report legend and CSS, rating sheet, spreadsheet,
Markdown, CLI, JSON Schema, scoring, weighing, workshop — lists exactly the table's codes.
"""

from __future__ import annotations

import ast
import io
import json
import math
import re
import tokenize
import unicodedata
from pathlib import Path
from typing import get_args

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from argmap import assess, model, scoring, vocabulary, weighing
from argmap.cli import main
from argmap.load import load_case
from argmap.ratingsfile import VOTE_NAMES, VOTES
from argmap.workshop import aggregate
from argmap.workshop.sheet import EXPLAIN
from argmap.workshop.view import BAND_MARKS

from .conftest import REPO

V = vocabulary.VOCABULARY
CASE = list(vocabulary.CASE_CODES)
ALL = list(vocabulary.VOTE_CODES)
SCALE = list(vocabulary.SCALE_CODES)
ALICE = """\
analyst: Alice Able
ratings:
  van: {accident: I, arson: C, other: N}
  alarm: {accident: II, arson: CC, other: DK}
"""
"""An analyst's ratings file for the conftest's warehouse case, with a don't know."""


# --- the table ----------------------------------------------------------------------------


def test_the_table_states_the_method():
    """METHOD.md and Open Synthesis: names, PARC points, default likelihoods, vote numbers."""
    assert ALL == ["CC", "C", "N", "I", "II", "NA", "DK"]
    assert {r.code: r.name for r in V} == {
        "CC": "very consistent",
        "C": "consistent",
        "N": "neutral",
        "I": "inconsistent",
        "II": "very inconsistent",
        "NA": "not applicable",
        "DK": "don't know",
    }
    assert [r.symbol for r in V] == ["++", "+", "0", "−", "−−", "n/a", "?"]
    assert [r.points for r in V] == [2, 1, 0, -1, -2, None, None]
    assert [r.likelihood for r in V] == [0.9, 0.7, 0.5, 0.3, 0.1, None, None]
    assert {r.code: r.vote for r in V} == {
        "II": 1,
        "I": 2,
        "N": 3,
        "C": 4,
        "CC": 5,
        "NA": 6,
        "DK": 7,
    }
    assert [r.step for r in V] == [4, 3, 2, 1, 0, None, None]
    assert [r.code for r in V if not r.in_case] == [vocabulary.DONT_KNOW] == ["DK"]


def test_the_scale_is_symmetric_around_one_neutral():
    points = sorted(r.points for r in V.scale if r.points is not None)
    assert points == list(range(-V.widest, V.widest + 1))
    assert [r.code for r in V if r.points == 0] == [V.neutral.code] == ["N"]
    assert [r.code for r in V.scale] == SCALE == ["II", "I", "N", "C", "CC"]
    assert [r.code for r in V if r.strong] == ["CC", "II"]
    assert [(a.code, b.code) for a, b in V.reversals] == [("CC", "II"), ("C", "I")]
    assert [V.mirror(r).code for r in V.scale] == SCALE[::-1]
    # Every code off the scale carries no points and no likelihood; all on it carry both.
    for r in V:
        assert (r.points is None) == (r.likelihood is None) == (r.step is None)
    assert V[vocabulary.NOT_APPLICABLE].in_case and V[vocabulary.NOT_APPLICABLE].points is None


def test_default_likelihoods_fall_from_the_top_of_the_scale_to_the_bottom():
    descending = [r.likelihood for r in reversed(V.scale)]
    assert all(0 < p <= 1 for p in descending if p is not None)
    assert descending == sorted(descending, reverse=True)  # type: ignore[type-var]
    assert model.Scoring().merged_likelihoods() == vocabulary.DEFAULT_LIKELIHOODS


def test_colours_are_hex_and_one_per_code():
    hex_colour = re.compile(r"^#[0-9a-f]{6}$")
    for r in V:
        assert hex_colour.match(r.colour.fill) and hex_colour.match(r.colour.text), r.code
        assert r.colour.hatch is None or hex_colour.match(r.colour.hatch)
    # The codes off the scale that a case holds are striped: never read as a point of it.
    assert [r.code for r in V if r.colour.hatch] == ["NA"]


def test_an_unrated_cell_has_a_symbol_of_its_own():
    """No code's symbol, no dash (read as the minus of − and −−), no heatmap band's mark:
    an unrated cell and an analyst's don't know (DK's '?') never look alike."""
    unrated = vocabulary.UNRATED_SYMBOL
    assert unrated == "·" and vocabulary.UNRATED_NAME == "unrated"
    assert V["DK"].symbol == "?" and unrated != V["DK"].symbol
    assert unrated not in {r.symbol for r in V}
    assert len({r.symbol for r in V}) == len(V)  # and no two codes share one
    assert unicodedata.category(unrated) != "Pd" and "MINUS" not in unicodedata.name(unrated)
    assert unrated not in BAND_MARKS.values() and V["DK"].symbol not in BAND_MARKS.values()
    assert (V.unrated_symbol, V.unrated_name) == (unrated, vocabulary.UNRATED_NAME)


def test_static_types_list_the_table_codes():
    """Literal types stay literal (good mypy and JSON Schema), checked against the table."""
    assert list(get_args(vocabulary.Rating)) == CASE
    assert list(get_args(vocabulary.ScaleRating)) == list(vocabulary.DEFAULT_LIKELIHOODS)
    assert list(get_args(vocabulary.Vote)) == ALL
    assert model.Rating is vocabulary.Rating


def test_one_definition_of_the_derived_tables():
    assert model.DEFAULT_LIKELIHOODS is weighing.DEFAULT_LIKELIHOODS
    assert weighing.DEFAULT_LIKELIHOODS is vocabulary.DEFAULT_LIKELIHOODS
    assert list(model.RATINGS) == CASE
    assert {r.code: r.name for r in V.in_case} == model.RATING_NAMES
    assert list(VOTES) == ALL and {r.code: r.name for r in V} == VOTE_NAMES
    assert {r.code: r.points for r in V if r.points is not None} == scoring.POINTS
    assert list(weighing.STEPS) == SCALE
    assert {code: step for step, code in enumerate(SCALE)} == weighing.CODE
    # Neutral is the same place for the weighing (step 2) and the workshop (vote 3).
    assert weighing.NEUTRAL == V.neutral.step == 2
    assert aggregate.NEUTRAL == V.neutral.vote == 3
    assert {r.code: r.vote for r in V} == aggregate.VOTE_CODE
    assert aggregate.CODE_VOTE[0] == ""
    assert EXPLAIN == ("CC", "II")


def test_ratings_become_steps_through_points(write_case):
    """assess turns PARC points into the weighing's steps with the same neutral."""
    case = load_case(write_case()).case
    data = assess.weighing_input(case)
    for i, item in enumerate(case.evidence):
        for j, hid in enumerate(data.leaf_ids):
            rating = item.ratings.get(hid)
            expected = V[rating].step if rating in weighing.CODE else V.neutral.step
            assert data.codes[i, j] == expected
            assert data.fixed[i, j] == (rating not in weighing.CODE)


# --- no other module or template keeps a list of codes ---------------------------------------

ARGMAP = Path(vocabulary.__file__).parent
TEMPLATES = REPO / "templates"
QUOTED_CODE = "[\"'](?:" + "|".join(sorted(map(re.escape, ALL), key=len, reverse=True)) + ")[\"']"
TEMPLATE_PATTERNS = {
    "a list of codes": re.compile(QUOTED_CODE + r"\s*,\s*" + QUOTED_CODE),
    "a colour rule for a code": re.compile(
        r"-(?:" + "|".join(ALL) + r")\b[^{};]*\{[^}]*\b(?:background|color)\s*:"
    ),
    "a colour property for a code": re.compile(
        r"--(?:" + "|".join(c.lower() for c in ALL) + r")\s*:"
    ),
}


def code_collections(source: str) -> list[tuple[int, list[str]]]:
    """(line, codes) for each bracketed group of Python source — tuple, list, set, dict,
    subscript or call — that holds string literals of two or more rating codes."""
    found = []
    groups: list[tuple[int, list[str]]] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.OP and token.string in {"(", "[", "{"}:
            groups.append((token.start[0], []))
        elif token.type == tokenize.OP and token.string in {")", "]", "}"}:
            line, codes = groups.pop()
            if len(set(codes)) >= 2:
                found.append((line, codes))
        elif token.type == tokenize.STRING and groups:
            try:
                value = ast.literal_eval(token.string)
            except (ValueError, SyntaxError):  # f-strings
                continue
            if value in ALL:
                groups[-1][1].append(value)
    return found


def test_the_guard_finds_what_it_is_for():
    assert code_collections('ok = rating in ("I", "II")\n') == [(1, ["I", "II"])]
    assert code_collections('STYLE = {\n    "CC": ("1A", "FF"),\n    "C": ("C6", "0B"),\n}\n') == [
        (1, ["CC", "C"])
    ]
    assert code_collections('Level = Literal["A", "B", "C"]\nx = f"{a}" + "CC"\n') == []
    legend = '{% for code in ["CC", "C", ""] %}'
    assert TEMPLATE_PATTERNS["a list of codes"].search(legend)
    assert TEMPLATE_PATTERNS["a colour rule for a code"].search(".chip.v-DK { background: #eee; }")
    assert not TEMPLATE_PATTERNS["a colour rule for a code"].search(".r-NA { font-weight: 400; }")
    assert TEMPLATE_PATTERNS["a colour property for a code"].search(":root { --ii: #b42318; }")
    assert not TEMPLATE_PATTERNS["a colour property for a code"].search("--contra: #b42318;")


def test_no_module_spells_out_rating_codes():
    offenders = [
        f"{path.relative_to(ARGMAP.parent)}:{line}: {codes}"
        for path in sorted(ARGMAP.rglob("*.py"))
        if path.name != "vocabulary.py"
        for line, codes in code_collections(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "read argmap.vocabulary instead:\n" + "\n".join(offenders)


# The symbols that are no everyday string in code: those of the codes off the scale, of the
# scale's ends, and of an unrated cell. A module writing one reads the vocabulary instead.
SYMBOLS = {V["CC"].symbol, V["II"].symbol, V["NA"].symbol, V["DK"].symbol}
SYMBOLS.add(vocabulary.UNRATED_SYMBOL)
NOT_A_RATING = {
    "workshop/store.py": "'?' marks a query string and an SQL parameter",
    "io/argdown/model.py": "':?:' is an Argdown emoji shortcode",
}
QUOTED_SYMBOL = re.compile(
    "[\"'>](?:" + "|".join(map(re.escape, sorted(SYMBOLS - {"?"}))) + ")[\"'<]"
)
"""A symbol on its own in a template's string or element; not '?' (a question's mark)."""


def symbol_literals(source: str) -> list[tuple[int, str]]:
    """(line, symbol) for each Python string literal that is a rating symbol on its own."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            try:
                value = ast.literal_eval(token.string)
            except (ValueError, SyntaxError):  # f-strings
                continue
            if value in SYMBOLS:
                found.append((token.start[0], value))
    return found


def test_the_symbol_guards_find_what_they_are_for():
    assert symbol_literals('button = code or "·"\nx = "? unrated"\n') == [(1, "·")]
    assert symbol_literals('NO_ANSWER = "?"\n') == [(1, "?")]
    assert QUOTED_SYMBOL.search('button.textContent = code || "·";')
    assert QUOTED_SYMBOL.search('<span class="cell r-unrated">·</span>')
    assert not QUOTED_SYMBOL.search('"Remove " + name + "?"')
    assert not QUOTED_SYMBOL.search('"Delete: clear the rating · Enter: its rationale"')


def test_no_module_writes_a_rating_symbol():
    offenders = [
        f"{path.relative_to(ARGMAP.parent)}:{line}: {symbol!r}"
        for path in sorted(ARGMAP.rglob("*.py"))
        if path.name != "vocabulary.py"
        for line, symbol in symbol_literals(path.read_text(encoding="utf-8"))
        if not (symbol == "?" and path.relative_to(ARGMAP).as_posix() in NOT_A_RATING)
    ]
    assert offenders == [], "read argmap.vocabulary instead:\n" + "\n".join(offenders)


def test_no_template_writes_a_rating_symbol():
    offenders = [
        f"{path.name}: {match.group(0)!r}"
        for path in sorted(TEMPLATES.iterdir())
        for match in QUOTED_SYMBOL.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "read `vocabulary` (or the page's data) instead:\n" + "\n".join(
        offenders
    )


def test_no_template_spells_out_rating_codes():
    offenders = [
        f"{path.name}: {what}: {match.group(0)!r}"
        for path in sorted(TEMPLATES.iterdir())
        for what, pattern in TEMPLATE_PATTERNS.items()
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "loop over `vocabulary` instead:\n" + "\n".join(offenders)


# --- every place that lists ratings lists the table ------------------------------------------


def _css_rules(html: str) -> dict[str, str]:
    """Selector → declarations of the page's one-line <style> rules, all rules joined."""
    style = BeautifulSoup(html, "html.parser").style.get_text()
    rules: dict[str, str] = {}
    for selector, declarations in re.findall(r"^([^{}\n@]+?) \{ (.*) \}$", style, re.MULTILINE):
        rules[selector] = f"{rules.get(selector, '')} {declarations}".strip()
    return rules


def _check_colours(rules: dict[str, str], selector: str) -> None:
    """Each code has a rule for ``selector`` ('@' the code) in the table's colours."""
    roots = rules[":root"]
    for r in V:
        declarations = rules[selector.replace("@", r.code)]
        assert f"color: {r.colour.text};" in declarations, r.code
        if r.colour.hatch:
            assert f"{r.colour.fill} 0 4px, {r.colour.hatch} 4px 8px" in declarations
        else:
            assert f"background: var(--{r.code.lower()});" in declarations
            assert f"--{r.code.lower()}: {r.colour.fill};" in roots


@pytest.fixture
def report(write_case, runner, tmp_path) -> str:
    folder = write_case({"evidence/ratings/alice.yaml": ALICE})
    out = tmp_path / "report.html"
    result = runner.invoke(main, ["report", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_report_legend_and_colours_list_the_table(report):
    soup = BeautifulSoup(report, "html.parser")
    legend = soup.select('ul.legend[aria-label="Rating legend"] li')
    assert [li.span["class"][1] for li in legend] == [f"r-{code}" for code in CASE] + ["r-unrated"]
    assert [li.get_text(" ", strip=True) for li in legend] == [
        f"{r.symbol} {r.name} ({r.code})" for r in V.in_case
    ] + [f"{vocabulary.UNRATED_SYMBOL} {vocabulary.UNRATED_NAME}"]
    # DK is an analyst's answer, never a cell of the matrix: not in its legend.
    assert V["DK"].symbol not in {li.span.get_text() for li in legend}
    _check_colours(_css_rules(report), ".r-@")
    pills = [span["title"] for span in soup.select(".pill.support, .pill.contra")[:2]]
    assert pills == ["items rated C or CC", "items rated I or II"]
    lead = soup.select_one(".ws-lead").get_text()
    low, high = V.scale[0], V.scale[-1]
    assert f"on the scale {low.symbol} {low.name} = 1 … {high.symbol} {high.name} = 5 or" in lead
    captions = [f.get_text(" ", strip=True) for f in soup.select("figure.chart figcaption")]
    assert any(c.endswith("read the other way (CC ↔ II, C ↔ I).") for c in captions), captions


def test_a_workshop_tells_an_unrated_cell_from_a_dont_know(write_case, runner, tmp_path):
    """Carol's don't know and Dan's missing answer in one disputed cell: two symbols, each
    named (title and screen reader), both in the legend of the analysts' ratings."""
    files = {
        "evidence/ratings/alice.yaml": ALICE,
        "evidence/ratings/bob.yaml": "analyst: Bob\nratings:\n  van: {accident: CC}\n",
        "evidence/ratings/carol.yaml": "analyst: Carol\nratings:\n  van: {accident: DK}\n",
        "evidence/ratings/dan.yaml": "analyst: Dan\nratings:\n  van: {arson: C}\n",
    }
    out = tmp_path / "report.html"
    result = runner.invoke(main, ["report", str(write_case(files)), "--names", "-o", str(out)])
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    dk, unrated = V["DK"], (vocabulary.UNRATED_SYMBOL, vocabulary.UNRATED_NAME)
    agenda = next(
        li for li in soup.select("#agenda li.agenda-item") if "Two men left" in li.get_text()
    )
    votes = {
        v.select_one(".who").get_text(): v.select_one(".cell")
        for v in agenda.select(".ws-votes .ws-vote")
    }
    shown = {
        who: (v.select_one("[aria-hidden=true]").get_text(), v["title"]) for who, v in votes.items()
    }
    assert shown == {
        "Alice Able": (V["I"].symbol, V["I"].name),
        "Bob": (V["CC"].symbol, V["CC"].name),
        "Carol": (dk.symbol, dk.name),
        "Dan": unrated,
    }
    # A screen reader hears the name, not the symbol (the dot alone says nothing).
    assert {who: v.select_one(".sr-only").get_text() for who, v in votes.items()} == {
        who: name for who, (_, name) in shown.items()
    }
    heat = soup.select("#heatmap tbody tr")
    van = next(row for row in heat if "Two men left" in row.th.get_text())
    cell = van.select("td")[0]
    tip = cell.select_one(".tip").get_text("\n").splitlines()[-1]  # after the <br>
    assert {"Carol: ?", "Dan: ·"} <= set(tip.split(", "))
    assert {"Carol don't know", "Dan unrated"} <= set(
        cell["aria-label"].split("; ")[-1].split(", ")
    )
    legend = soup.select("ul.ws-vote-legend li")  # the workshop section never says a code
    assert [li.get_text(" ", strip=True) for li in legend] == [
        f"{r.symbol} {r.name}" for r in V
    ] + ["· unrated: no answer"]
    matrix = soup.select('ul.legend[aria-label="Rating legend"] .cell')
    assert "·" in [c.get_text() for c in matrix] and "?" not in [c.get_text() for c in matrix]


def test_rating_sheet_lists_the_table(write_case, runner, tmp_path):
    folder = write_case({"evidence/ratings/alice.yaml": ALICE})
    out = tmp_path / "sheet.html"
    args = ["workshop", "sheet", str(folder), "--analyst", "Alice Able", "--round", "2"]
    result = runner.invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    chips = soup.select("ul.vote-legend .chip")
    assert [c["class"][1] for c in chips] == [f"v-{code}" for code in ALL]
    # As the report's legend: the symbol, then the name and the code.
    assert [c.get_text() for c in chips] == ["++", "+", "0", "−", "−−", "n/a", "?"]
    hints = [li.get_text(" ", strip=True) for li in soup.select("ul.vote-legend li")]
    assert hints[-2:] == [
        "n/a not applicable (NA): the item does not bear on this hypothesis at all",
        "? don't know (DK): you cannot judge it (not the same as NA)",
    ]
    for fieldset in soup.select("fieldset.votes"):
        assert [i["value"] for i in fieldset.select("input")] == ALL
    before = {c.get_text() for c in soup.select("p.before .chip")}
    assert "?" in before and "DK" not in before  # Alice's round-1 DK, shown as its symbol
    assert "Say why for ++ (CC) and −− (II), the strongest judgements" in soup.get_text()
    data = json.loads(soup.find("script", id="sheet-data").get_text())
    assert data["explain"] == ["CC", "II"]
    assert data["labels"] == {r.code: f"{r.symbol} ({r.code})" for r in V}
    _check_colours(_css_rules(html), ".v-@ input:checked + span, .chip.v-@")


def test_spreadsheet_lists_and_colours_the_table(runner, tmp_path):
    out = tmp_path / "case.xlsx"
    assert runner.invoke(main, ["export", "xlsx", str(REPO), "-o", str(out)]).exit_code == 0
    sheet = load_workbook(out)["matrix"]
    ratings = next(dv for dv in sheet.data_validations.dataValidation if "CC" in dv.formula1)
    assert ratings.formula1 == '"' + ",".join(CASE) + '"'
    assert ratings.error == "Use CC, C, N, I, II or NA; leave the cell empty for unrated."
    assert ratings.prompt == ", ".join(f"{r.code} {r.name}" for r in V.in_case) + (
        "; empty = unrated"
    )
    rules = {
        rule.formula[0].strip('"'): rule.dxf
        for cf in sheet.conditional_formatting
        for rule in cf.rules
    }
    assert list(rules) == CASE
    for code, style in rules.items():
        colour = V[code].colour
        assert style.fill.fgColor.rgb[-6:] == colour.solid[1:].upper()
        assert style.font.color.rgb[-6:] == colour.text[1:].upper()
        assert bool(style.font.b) == V[code].strong


def test_markdown_legend_lists_the_table(runner):
    text = runner.invoke(main, ["export", "markdown", str(REPO)]).stdout
    legend = next(line for line in text.splitlines() if line.startswith("Ratings: "))
    assert legend == (
        "Ratings: ++ very consistent (CC), + consistent (C), 0 neutral (N), − inconsistent (I),"
        " −− very inconsistent (II), n/a not applicable (NA), · unrated."
    )


def test_cli_likelihood_takes_exactly_the_scale(write_case, runner):
    case = str(write_case())
    for code, p in vocabulary.DEFAULT_LIKELIHOODS.items():
        args = ["score", case, "--format", "json", "--draws", "10", "--likelihood"]
        result = runner.invoke(main, [*args, f"{code.lower()}={p}"])
        assert result.exit_code == 0, result.output
    for code in ("NA", "DK", "X"):
        result = runner.invoke(main, ["score", case, "--likelihood", f"{code}=0.5"])
        assert result.exit_code == 2
        assert "with RATING one of CC C N I II" in result.stderr
    result = runner.invoke(main, ["score", case, "--likelihood", "N=0.95"])
    assert result.exit_code != 0
    assert "must not increase from CC to II" in result.output


def test_json_schema_enums_are_the_table(runner):
    def schema(kind: str) -> dict:
        result = runner.invoke(main, ["schema", kind])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    evidence = schema("evidence")["$defs"]["Evidence"]["properties"]["ratings"]
    assert evidence["patternProperties"]["^[a-z0-9][a-z0-9-]*$"]["enum"] == CASE
    assert evidence["description"] == "Leaf hypothesis id → CC, C, N, I, II or NA."
    likelihoods = schema("hypotheses")["$defs"]["Scoring"]["properties"]["likelihoods"]
    assert likelihoods["propertyNames"]["enum"] == list(vocabulary.DEFAULT_LIKELIHOODS)
    assert likelihoods["description"] == (
        "P(E|H) per rating; unset ones keep the defaults CC 0.9, C 0.7, N 0.5, I 0.3, II 0.1."
    )
    files = schema("ratings")["properties"]["ratings"]
    cells = files["patternProperties"]["^[a-z0-9][a-z0-9-]*$"]["patternProperties"]
    assert cells["^[a-z0-9][a-z0-9-]*$"]["enum"] == ALL
    assert "NA, or DK (don't know)." in files["description"]


def test_scoring_reads_points_and_leaves_codes_off_the_scale_out(write_case):
    case = load_case(write_case()).case
    matrix = scoring.Matrix.from_case(case)
    for i, item in enumerate(case.evidence):
        for j, hid in enumerate(matrix.hypothesis_ids):
            points = V[item.ratings[hid]].points if hid in item.ratings else None
            value = matrix.points[i, j]
            assert math.isnan(value) if points is None else value == points
