"""The editing session (argmap/editing.py): edits checked by the loader, written as patches
of the lines they concern, undone byte for byte, never over someone else's changes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.assess import assess, live_assessment
from argmap.casewriter import write_new_case
from argmap.cli import main
from argmap.editing import (
    AddArgument,
    AddEvidence,
    AddHypothesis,
    AddSource,
    AddStatement,
    EditCase,
    EditItem,
    Editor,
    EditRefused,
    ExternalChange,
    MoveHypothesis,
    Regroup,
    Rename,
    SetRating,
    SetRationale,
)
from argmap.load import load_case
from argmap.problems import ArgmapError, CaseError
from argmap.scaffold import FILES

SOURCE = """\
Fire at the harbour warehouse

A fire destroyed the harbour warehouse on the night of 3 March. According to the
operator, the alarm system had been switched off at 22:10, an hour before the fire
was reported.

A year earlier, inspectors had flagged the building's wiring as outdated. A night guard
said he saw a van leave   the yard at 23:00. The insurer had raised the premium in February.
The owner was abroad that week.
"""


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The case `argmap init` writes, committed in a git repository of its own."""
    folder = tmp_path / "case"
    write_new_case(folder, FILES)
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "start")
    return folder


def changed_lines(folder: Path) -> list[str]:
    """The lines `git diff` shows removed and added, without the headers."""
    diff = git(folder, "diff", "--unified=0")
    return [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def selection(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_a_case_built_from_an_empty_folder_checks_clean(tmp_path, runner):
    folder = tmp_path / "new"
    folder.mkdir()
    editor = Editor(folder, title="Warehouse fire", question="What caused the fire?")
    editor.apply(AddSource(title="Harbour gazette", text=SOURCE, reliability="C"))
    for title in ("Accident", "Arson", "Other"):
        editor.apply(AddHypothesis(title=title, statement=f"The fire was {title.lower()}."))
    passages = {
        "Alarm off at 22:10": "the alarm system had been switched off at 22:10",
        "Wiring flagged": "inspectors had flagged the building's wiring as outdated",
        "Van seen": "saw a van leave   the yard at 23:00",
        "Premium raised": "The insurer had raised the premium in February",
        "Owner abroad": "The owner was abroad that week",
    }
    for summary, words in passages.items():
        start, end = selection(SOURCE, words)
        editor.apply(AddEvidence(source="harbour-gazette", summary=summary, start=start, end=end))
    ratings = {
        "alarm-off-at-22-10": ("I", "C", "N"),
        "wiring-flagged": ("C", "N", "N"),
        "van-seen": ("I", "C", "N"),
        "premium-raised": ("N", "C", "N"),
        "owner-abroad": ("N", "C", "NA"),
    }
    for item, codes in ratings.items():
        for hypothesis, code in zip(("accident", "arson", "other"), codes, strict=True):
            editor.apply(SetRating(item, hypothesis, code))
    editor.apply(
        SetRationale("alarm-off-at-22-10", "accident", "Accidents do not switch alarms off.")
    )
    editor.apply(
        AddArgument(
            claim="The fire was meant to spread", premises=["alarm-off-at-22-10"], supports="arson"
        )
    )
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    case = load_case(folder).case
    # The quote is the selection as the loader normalises it: one space for the run of three.
    assert case.evidence_by_id["van-seen"].quote == "saw a van leave the yard at 23:00"
    assert [h.id for h in case.hypotheses] == ["accident", "arson", "other"]
    assert (folder / "evidence" / "sources" / "harbour-gazette.txt").read_text() == SOURCE


def test_a_rating_edit_changes_one_line_and_keeps_every_comment(sample):
    editor = Editor(sample)
    editor.apply(SetRating("old-wiring", "arson", "I"))
    assert changed_lines(sample) == [
        "-    ratings: {accident: C, arson: N, other: N}",
        "+    ratings: {accident: C, arson: I, other: N}",
    ]
    text = (sample / "evidence" / "evidence.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schema/evidence.schema.json\n#")


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        (
            SetRating("alarm-log", "other", None),
            [
                "-    ratings: {accident: I, arson: C, other: N}",
                "+    ratings: {accident: I, arson: C}",
            ],
        ),
        (
            SetRationale("alarm-log", "arson", "Only arson needs the alarm off."),
            ["+      arson: Only arson needs the alarm off."],
        ),
        (
            EditItem("old-wiring", {"summary": "Wiring: flagged a year before."}),
            [
                "-    summary: Inspectors had flagged the wiring as outdated a year earlier.",
                '+    summary: "Wiring: flagged a year before."',
            ],
        ),
        (
            EditItem("alarm-log", {"credibility": None, "relevance": "high"}),
            ["-    credibility: high", "+    relevance: high"],
        ),
        (Regroup("other", None), []),
    ],
)
def test_the_diff_of_an_edit_is_that_edit(sample, operation, expected):
    Editor(sample).apply(operation)
    assert changed_lines(sample) == expected


def test_adding_items_adds_their_lines_only(sample):
    editor = Editor(sample)
    editor.apply(AddStatement(text="The wiring was never replaced.", id="never-replaced"))
    editor.apply(AddHypothesis(title="Insurance fraud", statement="The owner burnt it for money."))
    lines = changed_lines(sample)
    assert all(line.startswith("+") for line in lines)
    assert "+  - id: insurance-fraud" in lines
    assert "+  - id: never-replaced" in lines
    assert load_case(sample).case.hypotheses[-1].id == "insurance-fraud"


def test_a_rename_reaches_every_reference(sample):
    editor = Editor(sample)
    editor.apply(Rename("arson", "deliberate"))
    editor.apply(Rename("alarm-log", "alarm-record"))
    case = load_case(sample).case
    assert [h.id for h in case.hypotheses] == ["accident", "deliberate", "other"]
    assert case.arguments[0].supports == "deliberate"
    assert case.arguments[0].premises == ("alarm-record",)
    item = case.evidence_by_id["alarm-record"]
    assert item.ratings == {"accident": "I", "deliberate": "C", "other": "N"}
    assert "arson" not in (sample / "evidence" / "evidence.yaml").read_text().replace("Arson", "")
    # The title and every comment stay: only ids changed.
    assert "title: Arson" in (sample / "hypotheses" / "case.yaml").read_text()
    assert all(
        "arson" in line or "alarm-log" in line or "alarm-record" in line or "deliberate" in line
        for line in changed_lines(sample)
    )


def test_reordering_moves_an_items_lines(sample):
    editor = Editor(sample)
    editor.apply(MoveHypothesis("other", 0))
    assert [h.id for h in load_case(sample).case.hypotheses] == ["other", "accident", "arson"]
    editor.apply(MoveHypothesis("other", 2))
    assert [h.id for h in load_case(sample).case.hypotheses] == ["accident", "arson", "other"]
    editor.apply(MoveHypothesis("accident", 1))
    assert [h.id for h in load_case(sample).case.hypotheses] == ["arson", "accident", "other"]


def test_undo_and_redo_are_byte_exact(sample):
    files = [sample / "hypotheses" / "case.yaml", sample / "evidence" / "evidence.yaml"]
    states = [[f.read_bytes() for f in files]]
    editor = Editor(sample)
    for operation in (
        SetRating("old-wiring", "arson", "II"),
        Rename("arson", "deliberate"),
        EditItem("old-wiring", {"quote": "inspectors had flagged the building’s wiring"}),
        AddSource(title="Fire service", text="The fire started in the east wing.\n"),
    ):
        editor.apply(operation)
        states.append([f.read_bytes() for f in files])
    new_source = sample / "evidence" / "sources" / "fire-service.txt"
    assert new_source.exists()
    for state in reversed(states[:-1]):
        assert editor.undo() is not None
        assert [f.read_bytes() for f in files] == state
    assert not new_source.exists()
    assert editor.undo() is None
    assert git(sample, "status", "--porcelain", "--untracked-files=no") == ""
    for state in states[1:]:
        assert editor.redo() is not None
        assert [f.read_bytes() for f in files] == state
    assert editor.redo() is None
    assert new_source.exists()


def test_an_external_edit_is_picked_up_and_never_overwritten(sample):
    editor = Editor(sample)
    editor.apply(SetRating("old-wiring", "arson", "I"))
    path = sample / "evidence" / "evidence.yaml"
    theirs = path.read_text().replace("summary: The alarm log", "summary: Their alarm log")
    path.write_text(theirs)
    with pytest.raises(ExternalChange, match="evidence/evidence.yaml changed on disk"):
        editor.apply(SetRating("old-wiring", "other", "I"))
    assert path.read_text() == theirs
    assert editor.case.evidence_by_id["alarm-log"].summary.startswith("Their alarm log")
    # Reloaded: the next edit goes on top of their change.
    editor.apply(SetRating("old-wiring", "other", "I"))
    assert "Their alarm log" in path.read_text()
    assert "ratings: {accident: C, arson: I, other: I}" in path.read_text()


def test_a_new_file_elsewhere_counts_as_an_external_change(sample):
    editor = Editor(sample)
    (sample / "evidence" / "more.yaml").write_text("evidence: []\n")
    with pytest.raises(ExternalChange, match="evidence/more.yaml"):
        editor.apply(SetRating("old-wiring", "arson", "I"))


@pytest.mark.parametrize(
    ("operation", "line", "field"),
    [
        (SetRating("old-wiring", "arson", "X"), 24, "evidence[old-wiring].ratings.arson"),
        (
            EditItem("old-wiring", {"quote": "inspectors flagged the wiring"}),
            23,
            "evidence[old-wiring].quote",
        ),
        (Regroup("other", "nowhere"), 23, "hypotheses[other].parent"),
        (
            AddArgument(claim="A loop", premises=["no-such-item"], supports="arson"),
            38,
            "arguments[a-loop].premises[0]",
        ),
        # Two ratings of one hypothesis: the YAML itself is refused, at the line.
        (Rename("arson", "accident"), 16, ""),
    ],
)
def test_an_invalid_edit_writes_nothing_and_names_the_field(sample, operation, line, field):
    def files():  # the editor's own folder aside (git ignores it)
        return {
            p: p.read_bytes()
            for p in sample.rglob("*")
            if p.is_file() and not {".git", ".argmap"} & set(p.parts)
        }

    before = files()
    editor = Editor(sample)
    with pytest.raises(EditRefused) as refused:
        editor.apply(operation)
    errors = refused.value.errors
    assert errors, refused.value.problems
    assert (errors[0].line, errors[0].field) == (line, field), errors[0].format()
    assert errors[0].file.parent.parent == sample
    assert files() == before
    assert git(sample, "status", "--porcelain", "--untracked-files=all") == ""
    assert not editor.done


def test_an_unknown_item_is_refused_in_words(sample):
    with pytest.raises(ArgmapError, match="there is no item 'nothing'"):
        Editor(sample).apply(SetRating("nothing", "arson", "C"))


def test_each_file_is_backed_up_once_before_its_first_write(sample):
    path = sample / "evidence" / "evidence.yaml"
    original = path.read_bytes()
    editor = Editor(sample)
    first = editor.apply(SetRating("old-wiring", "arson", "I"))
    kept = sample / ".argmap" / "backups" / "evidence" / "evidence.yaml.bak"
    assert first.backups == (kept,)
    for code in ("II", "N", "C"):
        assert editor.apply(SetRating("old-wiring", "arson", code)).backups == ()
    assert [p.name for p in kept.parent.iterdir()] == ["evidence.yaml.bak"]
    assert kept.read_bytes() == original
    # Nothing beside the case's files, and git sees the edit alone: it ignores .argmap/.
    assert not list(path.parent.glob("*.bak*"))
    assert sorted(p.name for p in (sample / ".argmap").iterdir()) == [".gitignore", "backups"]
    assert git(sample, "status", "--porcelain", "--untracked-files=all") == (
        " M evidence/evidence.yaml\n"
    )


def test_an_edit_of_two_files_is_written_whole_or_not_at_all(sample, monkeypatch):
    import os

    hypotheses = sample / "hypotheses" / "case.yaml"
    evidence = sample / "evidence" / "evidence.yaml"
    before = hypotheses.read_bytes(), evidence.read_bytes()
    editor = Editor(sample)
    renames: list[str] = []
    real_replace = os.replace

    def second_fails(source, target):
        renames.append(str(target))
        if len(renames) == 2:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr("argmap.editing.os.replace", second_fails)
    with pytest.raises(ArgmapError, match="No space left on device.*put back"):
        editor.apply(Rename("arson", "deliberate"))
    monkeypatch.undo()
    assert len(renames) == 2  # the rename touches both files; the first was replaced
    assert (hypotheses.read_bytes(), evidence.read_bytes()) == before
    assert not [p for p in sample.rglob("*.tmp")]
    # The session carries on from the files as they are.
    editor.apply(Rename("arson", "deliberate"))
    assert load_case(sample).case.hypotheses[1].id == "deliberate"


def test_a_rename_is_refused_while_an_analysts_ratings_file_names_the_id(sample):
    ratings = sample / "evidence" / "ratings" / "ann.yaml"
    ratings.parent.mkdir()
    ratings.write_text(
        "analyst: Ann\nratings:\n  old-wiring: {accident: C, arson: I}\n", encoding="utf-8"
    )
    editor = Editor(sample)
    for old, new in (("arson", "deliberate"), ("old-wiring", "wiring")):
        with pytest.raises(ArgmapError, match=f"{old} is not renamed.*evidence/ratings/ann.yaml"):
            editor.apply(Rename(old, new))
    assert git(sample, "status", "--porcelain") == "?? evidence/ratings/\n"
    editor.apply(Rename("alarm-log", "alarm-record"))  # not in Ann's file


def test_live_scores_agree_with_the_full_assessment(sample):
    editor = Editor(sample)
    editor.apply(SetRating("old-wiring", "arson", "II"))
    live = live_assessment(editor.case)
    full = assess(editor.case)
    assert live.ranking == [full.scores.matrix.hypothesis_ids[j] for j in full.scores.order]
    for j, hid in enumerate(full.scores.matrix.hypothesis_ids):
        assert live.posterior[hid] == pytest.approx(float(full.weighing.posterior[j]))
    assert live.diagnosticity["old-wiring"] == pytest.approx(float(full.scores.diagnosticity[1]))


def test_a_shipped_style_case_edits_in_place(tmp_path):
    # The repository's own case: long files, comments, block mappings of rationale.
    from .conftest import REPO

    folder = tmp_path / "kz"
    for part in ("hypotheses", "evidence"):
        shutil.copytree(REPO / part, folder / part)
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "start")
    editor = Editor(folder)
    item = editor.case.evidence[-1]
    hypothesis = next(h for h in editor.case.leaves if item.ratings.get(h.id) != "II")
    editor.apply(SetRating(item.id, hypothesis.id, "II"))
    lines = changed_lines(folder)
    assert len(lines) == 2 or (len(lines) == 1 and lines[0].startswith("+")), lines
    assert editor.undo() is not None
    assert changed_lines(folder) == []


def test_a_load_with_a_cache_gives_what_a_fresh_load_gives(sample):
    from argmap.load import LoadCache
    from argmap.problems import CaseError

    cache = LoadCache()
    first = load_case(sample, cache=cache)
    assert first.case == load_case(sample).case
    source = sample / "evidence" / "sources" / "harbour-gazette.txt"
    text = source.read_text()
    source.write_text(text.replace("switched off at 22:10", "turned off at 22:10"))
    with pytest.raises(CaseError, match="1 error") as refused:
        load_case(sample, cache=cache)
    assert "quote not found" in refused.value.errors[0].message
    source.write_text(text)
    evidence = sample / "evidence" / "evidence.yaml"
    evidence.write_text(evidence.read_text().replace("arson: C", "arson: CC"))
    again = load_case(sample, cache=cache)
    assert again.case == load_case(sample).case
    assert again.case.evidence_by_id["alarm-log"].ratings["arson"] == "CC"
    assert again.origins["alarm-log"].doc.path == evidence


BLOCK = """\
evidence:
  - id: e1  # the first
    summary: One
    ratings:
      a: C   # why C
      b: I
    rationale:
      a: >-
        Folded text
        over lines.

  - id: e2
    summary: Two
"""


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("ratings", "b"), "II", BLOCK.replace("      b: I", "      b: II")),
        (("ratings", "a"), "N", BLOCK.replace("a: C   # why C", "a: N   # why C")),
        (("ratings", "c"), "NA", BLOCK.replace("      b: I\n", "      b: I\n      c: NA\n")),
        (("ratings", "b"), None, BLOCK.replace("      b: I\n", "")),
        (
            ("rationale", "a"),
            "Short.",
            BLOCK.replace(">-\n        Folded text\n        over lines.", "Short."),
        ),
        (
            ("rationale", "a"),
            None,
            BLOCK.replace(
                "    rationale:\n      a: >-\n        Folded text\n        over lines.\n", ""
            ),
        ),
        (
            ("date",),
            "2026-03-03",
            BLOCK.replace("over lines.\n", "over lines.\n    date: 2026-03-03\n"),
        ),
    ],
)
def test_patches_change_only_their_value(path, value, expected):
    from argmap import yamlpatch
    from argmap.yamlfile import compose_text

    item = yamlpatch.child(yamlpatch.child(compose_text(BLOCK), "evidence"), 0)
    edit = yamlpatch.set_at(BLOCK, item, path, value)
    assert yamlpatch.apply(BLOCK, [edit]) == expected
    crlf = BLOCK.replace("\n", "\r\n")
    item = yamlpatch.child(yamlpatch.child(compose_text(crlf), "evidence"), 0)
    patched = yamlpatch.apply(crlf, [yamlpatch.set_at(crlf, item, path, value)])
    assert patched == expected.replace("\n", "\r\n")


@pytest.mark.parametrize(
    "text", ["C", "a: b", "", " x", "x # y", "- x", "[x", "'q'", "é\u2028", "1\n2"]
)
def test_a_rendered_scalar_reads_back_as_itself(text):
    from argmap.yamlfile import compose_text
    from argmap.yamlpatch import render_scalar

    root = compose_text(f"k: {render_scalar(text)}\n")
    assert root.value[0][1].value == text


def test_arguments_attack_and_undercut(sample):
    editor = Editor(sample)
    editor.apply(AddStatement(text="The alarm was off for maintenance.", id="maintenance"))
    editor.apply(
        AddArgument(
            claim="Maintenance, not malice",
            premises=["maintenance"],
            undercuts="switched-off-alarm",
            id="maintained",
        )
    )
    editor.apply(
        AddArgument(
            claim="Old wiring fails", premises=["old-wiring"], attacks="arson", id="wiring-attack"
        )
    )
    case = load_case(sample).case
    arguments = {a.id: a for a in case.arguments}
    assert arguments["maintained"].undercuts == "switched-off-alarm"
    assert arguments["wiring-attack"].attacks == "arson"
    assert arguments["wiring-attack"].premises == ("old-wiring",)


def test_a_source_text_the_loader_refuses_is_not_written(sample):
    editor = Editor(sample)
    with pytest.raises(EditRefused) as refused:
        editor.apply(AddSource(title="Binary", text="a\x00b"))
    assert refused.value.errors[0].field == "sources[binary].file"
    assert not (sample / "evidence" / "sources" / "binary.txt").exists()
    assert changed_lines(sample) == []


def test_a_quote_typed_with_other_typography_is_written_as_the_source_has_it(sample):
    editor = Editor(sample)
    editor.apply(
        AddEvidence(
            source="harbour-gazette",
            summary="Flagged",
            quote="an  hour before the fire\nwas reported",
        )
    )
    editor.apply(
        AddEvidence(source="harbour-gazette", summary="Wiring", quote="the building\u2019s  wiring")
    )
    first, second = editor.case.evidence[-2:]
    assert first.quote == "an hour before the fire was reported"
    assert second.quote == "the building's wiring"
    assert {first.id, second.id} <= set(editor.case.quote_spans)


def test_an_external_edit_of_the_same_size_and_time_is_seen(sample):
    import os

    editor = Editor(sample)
    path = sample / "evidence" / "evidence.yaml"
    info = path.stat()
    path.write_text(path.read_text().replace("arson: C, other: N", "arson: I, other: N"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    with pytest.raises(ExternalChange):
        editor.apply(SetRating("old-wiring", "arson", "I"))
    assert editor.case.evidence_by_id["alarm-log"].ratings["arson"] == "I"


def test_a_byte_order_mark_stays(sample):
    path = sample / "evidence" / "evidence.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    git(sample, "commit", "-q", "-am", "with a BOM")
    Editor(sample).apply(SetRating("old-wiring", "arson", "I"))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf# yaml-language-server")
    assert len(changed_lines(sample)) == 2


def _locations(data, loc=()):
    yield loc
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _locations(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _locations(value, (*loc, index))


def assert_documents_as_read(editor: Editor) -> int:
    """Every document the session holds is what reading its file whole gives: the same data,
    the same line for every key and item. Returns how many were compared."""
    from argmap.yamlfile import read_yaml

    docs = {origin.doc.path.name: origin.doc for origin in editor.loaded.origins.values()}
    by_name = {p.name: p for p in editor.folder.rglob("*.yaml")}
    for name, doc in docs.items():
        fresh = read_yaml(by_name[name])
        assert doc.data == fresh.data, name
        for loc in _locations(fresh.data):
            assert doc.line_of(loc) == fresh.line_of(loc), (name, loc)
    return len(docs)


def test_an_item_read_again_alone_gives_what_reading_its_file_gives(tmp_path):
    # An edit of one item hands the loader that file's document with only the item read
    # again (yamlfile.splice_item): lines after it move when the item grows or shrinks.
    from benchmarks.generate import write

    folder = write(tmp_path / "case", 5, 50)
    editor = Editor(folder)
    items = [e.id for e in editor.case.evidence]
    leaves = [h.id for h in editor.case.leaves]
    rationale = "A longer reason\\nover two lines, written as a double-quoted scalar."
    operations = [
        SetRating(items[3], leaves[0], "II"),
        SetRationale(items[3], leaves[1], rationale),  # grows by a line or two
        SetRating(items[10], leaves[2], None),
        EditItem(items[3], {"tags": ["one", "two"], "date": None}),
        SetRationale(items[3], leaves[1], None),  # shrinks
        EditItem(editor.case.hypotheses[1].id, {"statement": "Said again."}),
        SetRating(items[-1], leaves[-1], "CC"),
    ]
    for operation in operations:
        editor.apply(operation)
        assert assert_documents_as_read(editor) >= 2
    for _ in operations:
        editor.undo()
        assert_documents_as_read(editor)


@given(text=st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
@settings(max_examples=150)
def test_any_text_patched_in_reads_back_as_itself(text):
    from argmap import yamlpatch
    from argmap.yamlfile import compose_text

    for document in ("k:\n  r: {a: C, b: N}\n  s: x\n", "k:\n  r:\n    a: C\n  s: x # c\n"):
        mapping = yamlpatch.child(compose_text(document), "k")
        for path in (("r", "a"), ("r", "z"), ("s",), ("t",)):
            edited = yamlpatch.apply(document, [yamlpatch.set_at(document, mapping, path, text)])
            try:
                root = compose_text(edited)
            except Exception as err:  # YAML refuses the character itself (a NUL, say)
                assert yamlpatch.render_scalar(text).startswith('"'), err
                raise
            node = yamlpatch.child(root, "k")
            for part in path:
                node = yamlpatch.child(node, part)
            assert node.value == text, (document, path, edited)


def test_the_cases_title_and_question_are_edited_in_place(sample):
    editor = Editor(sample)
    editor.apply(EditCase({"title": "Harbour fire", "question": "Who: or what?"}))
    assert changed_lines(sample) == [
        "-title: Warehouse fire",
        "-question: What caused the fire at the harbour warehouse on 3 March?",
        "+title: Harbour fire",
        '+question: "Who: or what?"',
    ]
    assert load_case(sample).case.question == "Who: or what?"
    with pytest.raises(ArgmapError, match="no field format"):
        editor.apply(EditCase({"format": "2"}))


def test_refresh_reads_an_external_change_and_says_which_files(sample):
    editor = Editor(sample)
    assert editor.refresh() == []
    editor.apply(SetRating("old-wiring", "arson", "I"))
    path = sample / "hypotheses" / "case.yaml"
    path.write_text(path.read_text().replace("title: Arson", "title: Fire-raising"))
    assert editor.refresh() == ["hypotheses/case.yaml"]
    assert editor.case.hypothesis_by_id["arson"].title == "Fire-raising"
    assert editor.undo() is None  # undo starts afresh: it would write over the change
    path.write_text("hypotheses: [\n")
    with pytest.raises(CaseError):
        editor.refresh()
    path.write_text(FILES["hypotheses/case.yaml"])
    assert editor.refresh() == ["hypotheses/case.yaml"]
