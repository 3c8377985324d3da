"""Work in a forked process (argmap/background.py): the same result as in this process,
whatever becomes of the child, and no fork where forking is not safe."""

from __future__ import annotations

import os
import threading

import pytest

import argmap.assess as assess_module
from argmap import background
from argmap.background import later

from .conftest import REPO

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX-only")


def test_the_work_is_done_in_a_child_and_its_result_comes_back():
    parent = os.getpid()
    result = later(lambda: (os.getpid(), [1.5, "two", {"three": 3}]))
    child, value = result()
    assert child != parent  # drawn elsewhere…
    assert value == [1.5, "two", {"three": 3}]  # …and sent back whole
    assert result() == (child, value)  # the same answer every time


def test_a_child_that_fails_leaves_the_work_to_this_process():
    parent = os.getpid()

    def fails_in_the_child() -> int:
        if os.getpid() != parent:
            raise MemoryError("the child ran out")
        return 42

    assert later(fails_in_the_child)() == 42

    def dies_in_the_child() -> int:
        if os.getpid() != parent:
            os._exit(3)  # no answer at all
        return 7

    assert later(dies_in_the_child)() == 7


def test_an_error_of_the_work_itself_is_raised_here():
    def wrong() -> int:
        raise ValueError("no such hypothesis")

    result = later(wrong)
    with pytest.raises(ValueError, match="no such hypothesis"):
        result()


def test_no_fork_from_a_process_running_threads():
    parent = os.getpid()
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert later(os.getpid)() == parent
    finally:
        release.set()
        other.join()
    assert later(os.getpid, fork=False)() == parent


def test_a_report_drawn_in_the_background_is_the_same_bytes(monkeypatch):
    """The shipped case's report with its Monte Carlo forked off equals the one drawn here,
    and the fork did happen."""
    from argmap.load import load_case
    from argmap.render.report import build_report

    result = load_case(REPO)
    here = build_report(result)
    forks = []
    real = background.later
    monkeypatch.setattr(assess_module, "BACKGROUND_CELLS", 0)
    monkeypatch.setattr(assess_module, "later", lambda work: forks.append(1) or real(work))
    assert build_report(load_case(REPO)) == here
    assert forks == [1]
