"""Writing files safely: a temp file beside the target then a rename, and numbered backups.

Every writer that replaces a file of a case (``workshop merge``, ``import --into``) goes
through :func:`replace_with_backup`, so the policy is one: the replaced bytes are kept as
``FILE.bak``, then ``FILE.bak2``, ``FILE.bak3``… and no backup is ever overwritten.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from .problems import ArgmapError, display_path

__all__ = [
    "CASE_PARTS",
    "keep_backup",
    "refuse_case_files",
    "replace_with_backup",
    "write_atomic",
    "write_atomic_all",
]

CASE_PARTS = ("hypotheses", "evidence")
"""The folders of a case that hold what the analyst wrote: the loader reads what is there."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes | str, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    ``mode`` gives the permission bits (default: those of a new file under the umask).
    Raises :class:`ArgmapError` when the folder cannot be created or written.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise ArgmapError(f"cannot write {display_path(path)}: {err.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.chmod(temp, 0o666 & ~_umask() if mode is None else mode)
        os.replace(temp, path)
    except OSError as err:
        Path(temp).unlink(missing_ok=True)
        raise ArgmapError(f"cannot write {display_path(path)}: {err.strerror}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def write_atomic_all(files: Mapping[Path, bytes | str]) -> list[Path]:
    """Write several files so that either all of them are written or none is: each goes to a
    temp file beside its target first, and only when every one is on disk are they renamed
    into place, in the order given (put the file that refers to the others last).

    Raises :class:`ArgmapError` naming the file that could not be written; a failure to
    write any of them leaves every target as it was.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            payload = data.encode("utf-8") if isinstance(data, str) else data
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                handle, temp = tempfile.mkstemp(
                    prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
                )
                staged.append((temp, path))
                with os.fdopen(handle, "wb") as stream:
                    stream.write(payload)
                os.chmod(temp, 0o666 & ~_umask())
            except OSError as err:
                raise ArgmapError(
                    f"cannot write {display_path(path)}: {err.strerror}; nothing was written"
                ) from None
        for temp, path in staged:
            try:
                os.replace(temp, path)
            except OSError as err:
                raise ArgmapError(f"cannot write {display_path(path)}: {err.strerror}") from None
    finally:
        for temp, _ in staged:
            Path(temp).unlink(missing_ok=True)
    return list(files)


def _backup_path(path: Path, number: int = 1) -> Path:
    """The name of the ``number``-th backup of ``path``.

    >>> _backup_path(Path("ann.yaml")).name, _backup_path(Path("ann.yaml"), 3).name
    ('ann.yaml.bak', 'ann.yaml.bak3')
    """
    return path.with_name(path.name + (".bak" if number == 1 else f".bak{number}"))


def _keep(path: Path, data: bytes, mode: int) -> Path:
    """Write ``data`` to the first free backup name of ``path``; the name is claimed by an
    exclusive create, so not even a concurrent writer overwrites a backup."""
    number = 1
    while True:
        backup = _backup_path(path, number)
        try:
            handle = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            number += 1
            continue
        except OSError as err:
            raise ArgmapError(f"cannot write {display_path(backup)}: {err.strerror}") from None
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(backup, mode)
        except OSError as err:
            backup.unlink(missing_ok=True)
            raise ArgmapError(f"cannot write {display_path(backup)}: {err.strerror}") from None
        except BaseException:
            backup.unlink(missing_ok=True)
            raise
        return backup


def keep_backup(path: Path, backup: Path) -> Path | None:
    """Keep the bytes of ``path`` as the first free numbered backup named after ``backup``
    (``backup.bak``, ``backup.bak2``…; its folder is made if need be), with ``path``'s
    permission bits. Returns the backup, or None when ``path`` does not exist."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        old = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise ArgmapError(f"cannot read {display_path(path)}: {err.strerror}") from None
    try:
        backup.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ArgmapError(f"cannot write {display_path(backup)}: {err.strerror}") from None
    return _keep(backup, old, mode)


def replace_with_backup(path: Path, data: bytes | str) -> Path | None:
    """Write ``data`` over ``path``, first keeping its bytes as its next numbered backup.

    The backup and the new file keep the old file's permission bits. Returns the backup,
    or None when ``path`` did not exist (then it is simply written). Raises
    :class:`ArgmapError` when a file cannot be read or written; the old file is untouched
    unless its backup was written.
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        old = path.read_bytes()
    except FileNotFoundError:
        write_atomic(path, data)
        return None
    except OSError as err:
        raise ArgmapError(f"cannot read {display_path(path)}: {err.strerror}") from None
    backup = _keep(path, old, mode)
    write_atomic(path, data, mode=mode)
    return backup


def refuse_case_files(target: Path, case: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse to write an output onto a case's own files.

    An output may go anywhere but into a case's ``hypotheses/`` or ``evidence/`` folder
    (where it would replace what the analyst wrote, or be read back as part of the case) and
    onto any file the case reads (``inputs``: its source texts wherever they are). Links are
    followed, so a symlink cannot lead a writer there either. Writers whose job is to change
    a case (``workshop merge``, ``import --into``) use :func:`replace_with_backup` instead.
    """
    resolved = target.resolve()
    for part in CASE_PARTS:
        root = (case / part).resolve()
        if resolved == root or root in resolved.parents:
            raise ArgmapError(
                f"{display_path(target)} is inside the case's {part}/ folder: argmap writes its "
                "outputs beside a case, never among the files the case is made of (they would "
                "be overwritten, or read back as part of the case); write it elsewhere, for "
                f"example to {display_path(case / 'build' / target.name)}"
            )
    for path in inputs:
        if resolved == path.resolve():
            raise ArgmapError(
                f"{display_path(target)} is a file the case reads ({display_path(path)}): "
                "argmap never writes its outputs over a case's own files; write it elsewhere, "
                f"for example to {display_path(case / 'build' / target.name)}"
            )
