"""Normalising the texts the reader compares: titles, header labels, line labels."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DROP = re.compile(r"[\s\u00a0\u3000“”\"‘’'「」『』《》:：]+")
_ENUM = re.compile(
    r"^(?:其中[:：]?)?(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[(（][一二三四五六七八九十\d]+[)）])?(?:其中[:：]?)?"
)
_YEAR_PREFIX = re.compile(r"^(?:表\d+[:：.、]?)?(?:\d{4}年度?)?")
_YEAR_SUFFIX = re.compile(r"\(?\d{4}年度?\)?$")
_YEAR = re.compile(r"(20\d{2})\s*年")


@lru_cache(maxsize=4096)
def norm(text: str) -> str:
    """NFKC, no white space, no quotes or colons: ``"收 入 总 计"`` → ``"收入总计"``."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4096)
def norm_line(text: str) -> str:
    """A line label without its numbering: ``"1、一般公共预算拨款"`` → ``"一般公共预算拨款"``."""
    value = unicodedata.normalize("NFKC", text)
    value = re.sub(r"[\s\u00a0\u3000]+", "", value)
    value = _ENUM.sub("", value)
    return norm(value)


def title_core(text: str) -> str:
    """A candidate title without ``表1``, year prefix or ``（2024年）`` suffix."""
    value = norm(text)
    value = _YEAR_PREFIX.sub("", value)
    return _YEAR_SUFFIX.sub("", value)


def find_year(text: str) -> int | None:
    match = _YEAR.search(unicodedata.normalize("NFKC", text))
    return int(match.group(1)) if match else None
