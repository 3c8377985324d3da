"""Strict YAML reading: failsafe strings, refusals, and the lines problems point at.

Every test runs with PyYAML's C composer (what argmap uses when libyaml is there)
and with its pure-Python one (the fallback): the two differ in small ways, such as
the style they give a plain empty scalar.
"""

from __future__ import annotations

import gc

import pytest
import yaml

import argmap.yamlfile
from argmap.problems import CaseError
from argmap.yamlfile import read_yaml

LOADERS = [pytest.param(yaml.SafeLoader, id="python")]
if hasattr(yaml, "CSafeLoader"):
    LOADERS.insert(0, pytest.param(yaml.CSafeLoader, id="libyaml"))


@pytest.fixture(params=LOADERS, autouse=True)
def loader(request, monkeypatch):
    monkeypatch.setattr(argmap.yamlfile, "_Loader", request.param)
    return request.param


@pytest.fixture
def read(tmp_path):
    def read(text: str | bytes):
        path = tmp_path / "file.yaml"
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8")
        else:
            path.write_bytes(text)
        return read_yaml(path)

    return read


@pytest.fixture
def refused(read):
    """The (line, message) a file is refused with."""

    def refused(text: str | bytes) -> tuple[int, str]:
        with pytest.raises(CaseError) as info:
            read(text)
        [problem] = info.value.problems
        assert problem.severity == "error"
        assert problem.field == ""
        assert problem.hint
        return problem.line, problem.message

    return refused


def test_every_scalar_stays_text(read):
    doc = read(
        "no: yes\n"
        "on: off\n"
        "2016: 1.0\n"
        "null: ~\n"
        "list: [true, False, 0x1F, 1e3, .inf, 2022-01-05, 12:30:00]\n"
        "quoted: 'no'\n"
    )
    assert doc.data == {
        "no": "yes",
        "on": "off",
        "2016": "1.0",
        "null": "~",
        "list": ["true", "False", "0x1F", "1e3", ".inf", "2022-01-05", "12:30:00"],
        "quoted": "no",
    }


def test_empty_plain_value_is_none_and_quoted_empty_is_text(read):
    doc = read("a:\nb: ''\nc: \"\"\nd:\n  -\n  - x\ne: {f: }\n")
    assert doc.data == {"a": None, "b": "", "c": "", "d": [None, "x"], "e": {"f": None}}


def test_block_scalars_keep_their_text(read):
    doc = read("a: |\n  one\n    two\n  \tthree\nb: >-\n  folded\n  line\n")
    assert doc.data == {"a": "one\n  two\n\tthree\n", "b": "folded line"}


def test_tab_inside_scalar_content_is_not_indentation(read):
    doc = read('a: |\n  one\n  \ttwo\nb: "x\n\ty"\n')
    assert doc.data == {"a": "one\n\ttwo\n", "b": "x y"}


def test_ampersand_and_asterisk_in_text_are_fine(read):
    doc = read("title: R&D * notes\nurl: https://example.org/?a=1&b=*\n")
    assert doc.data == {"title": "R&D * notes", "url": "https://example.org/?a=1&b=*"}


def test_exclamation_marks_and_percent_signs_in_text_are_fine(read):
    doc = read(
        "title: Fire! Again!\nprior: 25%\nquoted: '!secret'\nblock: |\n  %TAG ! x\n  !!binary\n"
    )
    assert doc.data == {
        "title": "Fire! Again!",
        "prior": "25%",
        "quoted": "!secret",
        "block": "%TAG ! x\n!!binary\n",
    }


def test_a_yaml_version_directive_is_fine(read):
    assert read("%YAML 1.1\n---\na: b\n").data == {"a": "b"}


@pytest.mark.parametrize(
    ("text", "line", "tag"),
    [
        pytest.param(
            "a: 1\nb: !!python/name:os.system\n", 2, "!!python/name:os.system", id="python"
        ),
        pytest.param(
            "a: !!python/object/apply:os.system [ls]\n",
            1,
            "!!python/object/apply:os.system",
            id="python-apply",
        ),
        pytest.param("a: !!binary aGVsbG8=\n", 1, "!!binary", id="binary"),
        pytest.param("a: !!int 5\n", 1, "!!int", id="core-schema"),
        pytest.param("a:\n  - x\n  - !secret y\n", 3, "!secret", id="local"),
        pytest.param("a: [x, !secret y]\n", 1, "!secret", id="in-a-flow-list"),
        pytest.param(
            "a: !<tag:example.com,2000:x> y\n", 1, "!<tag:example.com,2000:x>", id="verbatim"
        ),
        pytest.param("a: ! y\n", 1, "!", id="non-specific"),
        pytest.param("!!str a: b\n", 1, "!!str", id="on-a-key"),
        pytest.param("a: !!map {b: c}\n", 1, "!!map", id="on-a-mapping"),
        pytest.param(
            "%TAG ! tag:example.com,2000:\n---\na: b\n",
            1,
            "%TAG ! tag:example.com,2000:",
            id="tag-directive",
        ),
    ],
)
def test_tags_are_refused_naming_the_tag(read, text, line, tag):
    # A tag is dropped when every value is read as text: refused, so that what a file says
    # is what it means (and no file written for another loader passes silently).
    with pytest.raises(CaseError) as info:
        read(text)
    [problem] = info.value.problems
    assert (problem.line, problem.message) == (line, f"YAML tags are not allowed (found '{tag}')")
    assert "remove the tag" in problem.hint


def test_document_markers_and_bom_and_crlf(read):
    doc = read(b"\xef\xbb\xbf---\r\na: 1\r\nb:\r\n  - c\r\n...\r\n")
    assert doc.data == {"a": "1", "b": ["c"]}
    assert doc.line_of(("b", 0)) == 4


def test_line_of(read):
    doc = read(
        "# leading comment\n"  # 1
        "\n"  # 2
        "evidence:\n"  # 3
        "  - id: van\n"  # 4
        "    ratings: {accident: I,\n"  # 5
        "      arson: C}\n"  # 6
        "    tags:\n"  # 7
        "      - one\n"  # 8
        "      - two\n"  # 9
        "  - id: alarm\n"  # 10
    )
    assert doc.line_of(()) == 1  # the file's start, not the first key
    assert doc.line_of(("missing",)) == 1
    assert doc.line_of(("evidence",)) == 3
    assert doc.line_of(("evidence", 0)) == 4
    assert doc.line_of(("evidence", 0, "id")) == 4
    assert doc.line_of(("evidence", 0, "ratings", "arson")) == 6
    assert doc.line_of(("evidence", 0, "tags", 1)) == 9
    assert doc.line_of(("evidence", 0, "summary")) == 4  # missing key: its item
    assert doc.line_of(("evidence", 1, "ratings", "arson")) == 10
    assert doc.line_of(("evidence", 5)) == 3  # no such item: the list's key
    assert doc.line_of(("evidence", 0, "tags", 0, "deeper")) == 8


def test_line_of_in_a_large_mapping(read):
    # Large mappings are indexed once: every key still has its own line, asked in any order.
    keys = [f"key-{i}" for i in range(100)]
    doc = read("items:\n  - id: one\n" + "".join(f"    {key}: {key}\n" for key in keys))
    for index in (99, 0, 50, 99, 17):
        assert doc.line_of(("items", 0, keys[index])) == index + 3
    assert doc.line_of(("items", 0, "missing")) == 2
    assert doc.line_of(("items", 0, "key-5", "deeper")) == 8


def test_a_document_keeps_lines_not_the_node_tree(read, loader):
    # The composed tree (a node and two marks per value) is many times the size of the data:
    # a document keeps the line of each key and item, and lets the tree go.
    doc = read("evidence:\n  - id: van\n    ratings: {accident: I}\n    tags: [a, b]\n")
    seen, todo = set(), [doc]
    while todo:
        thing = todo.pop()
        if id(thing) in seen:
            continue
        seen.add(id(thing))
        assert not isinstance(thing, yaml.Node | yaml.Mark), thing
        todo.extend(r for r in gc.get_referents(thing) if not isinstance(r, type))
    assert doc.line_of(("evidence", 0, "tags", 1)) == 4
    assert doc.line_of(("evidence", "id")) == 1  # a key asked of a list: where the path ends
    assert doc.line_of(("evidence", 0, 0)) == 2  # an index asked of a mapping


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first on line 1)", id="dup"),
        pytest.param(
            "a:\n  - b: 1\n    c: 2\n    b: 3\n",
            4,
            "duplicate key 'b' (first on line 2)",
            id="dup-nested",
        ),
        pytest.param("a: {x: 1, x: 2}\n", 1, "duplicate key 'x' (first on line 1)", id="dup-flow"),
        pytest.param(
            "2016: a\n'2016': b\n", 2, "duplicate key '2016' (first on line 1)", id="dup-text"
        ),
        pytest.param(
            "a: &anchor 1\n",
            1,
            "YAML anchors and aliases are not allowed (found 'anchor')",
            id="anchor",
        ),
        pytest.param(
            "a: 1\nb:\n  - *x\n",
            3,
            "YAML anchors and aliases are not allowed (found 'x')",
            id="alias",
        ),
        pytest.param(
            "a: 1\n<<: *base\n",
            2,
            "YAML anchors and aliases are not allowed (found 'base')",
            id="merge-key",
        ),
        pytest.param("a:\n\t- b\n", 2, "tab used for indentation", id="tab"),
        pytest.param("a:\n  b: 1\n  \tc: 2\n", 3, "tab used for indentation", id="tab-after-space"),
        pytest.param("? [a, b]\n: x\n", 1, "a key must be plain text", id="list-key"),
        pytest.param("a: 1\n{b: 1}: x\n", 2, "a key must be plain text", id="mapping-key"),
        pytest.param(
            "a: 1\n---\nb: 2\n",
            2,
            "several YAML documents in one file (a second '---' starts another)",
            id="two-documents",
        ),
        pytest.param("", 1, "empty file", id="empty"),
        pytest.param("---\n...\n", 1, "empty file", id="empty-document"),
        pytest.param("# only\n# comments\n", 1, "empty file", id="comments"),
        pytest.param("\n\n- a\n", 3, "the file must be a mapping of keys to values", id="list"),
        pytest.param("hello\n", 1, "the file must be a mapping of keys to values", id="text"),
        pytest.param(
            "a: 'open\nb: 1\n",
            1,
            "malformed YAML: found unexpected end of stream (while scanning a quoted scalar)",
            id="unclosed-quote",
        ),
    ],
)
def test_refused(refused, text, line, message):
    assert refused(text) == (line, message)


def _evidence_lines(count: int) -> list[str]:
    """A long evidence file, one line per entry: no quotes anywhere."""
    lines = ["evidence:"]
    for i in range(count):
        lines += [f"  - id: e{i}", f"    summary: Item {i}.", "    kind: assumption"]
        lines += ["    date: 2022-01-05"]
    return lines


def _open_quote(line: str, quote: str) -> str:
    key, _, value = line.partition(": ")
    return f"{key}: {quote}{value}"


@pytest.mark.parametrize("quote", ['"', "'"])
@pytest.mark.parametrize(
    "later",
    [
        pytest.param(lambda line, q: _open_quote(line, q) + q, id="closed-by-another-value"),
        pytest.param(lambda line, q: "---", id="document-marker"),
    ],
)
def test_a_quote_left_open_is_reported_where_it_opens(refused, quote, later):
    # The quote opened on line 943 swallows the lines below it up to the next quote of its
    # kind (or a document marker) on line 980, where the YAML breaks: the problem is on 943.
    lines = _evidence_lines(300)
    lines[942] = _open_quote(lines[942], quote)
    lines[979] = later(lines[979], quote)
    line, message = refused("\n".join(lines) + "\n")
    assert line == 943
    assert message.startswith(
        f"malformed YAML: the quote ({quote}) opened on this line runs on to line 980, where "
    )


def test_a_quote_left_open_to_the_end_is_reported_where_it_opens(refused):
    lines = _evidence_lines(300)
    lines[942] = _open_quote(lines[942], '"')
    assert refused("\n".join(lines) + "\n") == (
        943,
        "malformed YAML: found unexpected end of stream (while scanning a quoted scalar)",
    )


def test_the_hint_for_a_quote_left_open(read):
    lines = _evidence_lines(20)
    lines[6] = _open_quote(lines[6], '"')
    lines[30] = _open_quote(lines[30], '"') + '"'
    with pytest.raises(CaseError) as info:
        read("\n".join(lines) + "\n")
    assert info.value.problems[0].hint == (
        'close the quote on this line: quoted text ends only at the next ", '
        "however many lines later"
    )


def test_a_quoted_value_over_several_lines_is_fine(read):
    doc = read("evidence:\n  - summary: \"one\n      two\"\n    date: '2022\n      -01'\n")
    assert doc.data == {"evidence": [{"summary": "one two", "date": "2022 -01"}]}


def test_alias_bomb_is_refused_quickly(refused):
    import time

    lines = ["a: &a [" + ", ".join(["lol"] * 10) + "]"]
    for prev, name in zip("abcdefghi", "bcdefghij", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    started = time.perf_counter()
    assert refused("\n".join(lines) + "\n") == (
        1,
        "YAML anchors and aliases are not allowed (found 'a')",
    )
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(
    ("raw", "line", "message"),
    [
        (b"a: 1\n\x00", 2, "binary file (contains NUL bytes), not YAML text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", 3, "binary file (contains NUL bytes), not YAML text"),
        (b"a: 1\nb: 2\nc: \xff\n", 3, "not valid UTF-8 (byte 0xff at offset 13)"),
        ("a: café\n".encode("latin-1"), 1, "not valid UTF-8 (byte 0xe9 at offset 6)"),
    ],
)
def test_undecodable(refused, raw, line, message):
    assert refused(raw) == (line, message)


def test_unreadable_path(tmp_path):
    with pytest.raises(CaseError) as info:
        read_yaml(tmp_path / "missing.yaml")
    [problem] = info.value.problems
    assert (problem.line, problem.message) == (1, "cannot read file: No such file or directory")


def test_problem_names_the_file(tmp_path):
    path = tmp_path / "evidence.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(CaseError) as info:
        read_yaml(path)
    assert info.value.problems[0].file == path
