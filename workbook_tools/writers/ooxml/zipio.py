"""Reading a package's members and writing a new package in the same member order.

Unchanged members are copied as they are (same decompressed bytes; the compressed form
may differ); changed members are given as bytes or as a function that yields pieces, so
a huge sheet streams through without being held in memory. Every written member is hashed.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

PartData = bytes | Callable[[], Iterable[bytes]]
CHUNK = 1 << 20
_ZIP64_OVER = 1 << 30
_FAST_OVER = 8 << 20  # members this large are deflated at level 1 (much faster)


class SourcePackage:
    """The members of an xlsx/xlsm package, in order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.infos = self.zip.infolist()
        self._names = {info.filename.casefold(): info.filename for info in self.infos}

    def name(self, part: str) -> str | None:
        """The member name of ``part`` (part names are case-insensitive), or None."""
        return self._names.get(part.lstrip("/").casefold())

    def members(self) -> set[str]:
        return set(self._names.values())

    def has(self, part: str) -> bool:
        return self.name(part) is not None

    def read(self, part: str) -> bytes:
        name = self.name(part)
        if name is None:
            raise KeyError(part)
        return self.zip.read(name)

    def open(self, part: str) -> IO[bytes]:
        name = self.name(part)
        if name is None:
            raise KeyError(part)
        return self.zip.open(name)

    def size(self, part: str) -> int:
        name = self.name(part)
        return 0 if name is None else self.zip.getinfo(name).file_size

    def pieces(self, part: str, chunk: int = CHUNK) -> Iterator[bytes]:
        with self.open(part) as handle:
            while data := handle.read(chunk):
                yield data

    def close(self) -> None:
        self.zip.close()


def _pieces(data: PartData) -> Iterable[bytes]:
    return [data] if isinstance(data, bytes) else data()


def _write_member(
    out: zipfile.ZipFile, info: zipfile.ZipInfo, pieces: Iterable[bytes], large: bool
) -> str:
    digest = hashlib.sha256()
    with out.open(info, "w", force_zip64=large) as handle:
        for piece in pieces:
            digest.update(piece)
            handle.write(piece)
    return digest.hexdigest()


def _info(name: str, like: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, like.date_time if like is not None else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    level = 1 if like is not None and like.file_size > _FAST_OVER else 6
    for attribute in ("compress_level", "_compresslevel"):  # Python 3.13+, 3.11–3.12
        try:
            setattr(info, attribute, level)
            break
        except AttributeError:
            continue
    if like is not None:
        info.external_attr = like.external_attr
    return info


def write_package(
    source: SourcePackage,
    target: Path,
    changed: dict[str, PartData],
    added: list[tuple[str, PartData]],
    removed: set[str],
    hashes: dict[str, str] | None = None,
) -> dict[str, str]:
    """Write ``target``: the source's members in order (changed ones replaced, removed ones
    left out), then ``added``. Returns the SHA-256 of every member written (``hashes`` is
    filled as members are written, so a member written last can list the others')."""
    hashes = {} if hashes is None else hashes
    changed_names = {name.casefold(): data for name, data in changed.items()}
    dropped = {name.casefold() for name in removed}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infos:
            key = info.filename.casefold()
            if key in dropped:
                continue
            large = info.file_size > _ZIP64_OVER
            if info.is_dir():
                out.writestr(info, b"")
                continue
            data = changed_names.get(key)
            pieces = _pieces(data) if data is not None else source.pieces(info.filename)
            hashes[info.filename] = _write_member(out, _info(info.filename, info), pieces, large)
        first = source.infos[0] if source.infos else None
        for name, data in added:
            hashes[name] = _write_member(out, _info(name, first), _pieces(data), False)
    return hashes
