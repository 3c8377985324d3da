"""Work done in a forked copy of this process while this one goes on.

The report's Monte Carlo is its one long piece of numerical work that nothing before the
wording needs: a child process forked once the case is weighed draws it, on the machine's
other core, while this process lays out the drawings and builds what does not depend on it.
The child starts from this process's memory, so nothing is sent to it; it sends back only
its result.

A child is forked only where that is safe: on a platform with ``fork``, from a process that
runs a single thread (never from a server's worker threads). Otherwise, and whenever the
child fails in any way, the work is done in this process when its result is first needed,
and gives the same result.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = ["later"]

T = TypeVar("T")


def later(work: Callable[[], T], *, fork: bool = True) -> Callable[[], T]:
    """A function that gives ``work()``, started now in a forked child when ``fork`` and
    forking is safe, else run when first called; each call gives the same result.

    >>> from itertools import count
    >>> calls = count()
    >>> result = later(lambda: next(calls), fork=False)
    >>> result(), result()
    (0, 0)
    """
    if not (fork and _can_fork()):
        return cache(work)
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):  # or the child would write their buffers again
        stream.flush()
    child = context.Process(target=_child, args=(work, send), daemon=True)
    try:
        child.start()
    except OSError:  # no process to be had: the work is done here
        receive.close()
        send.close()
        return cache(work)
    send.close()

    def result() -> T:
        try:
            done, value = receive.recv()
        except (EOFError, OSError):  # the child died before it could answer
            done, value = False, None
        finally:
            receive.close()
            child.join()
        return value if done else work()

    return cache(result)


def _can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def _child(work: Callable[[], object], send: Connection) -> None:
    """In the child: the result, or word that there is none (the parent then does the work
    itself and meets whatever went wrong there)."""
    try:
        value = work()
    except BaseException:  # noqa: BLE001 - the parent does the work again and sees the error
        send.send((False, None))
    else:
        send.send((True, value))
