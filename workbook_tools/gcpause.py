"""Pausing Python's cyclic garbage collector while a workbook is read or checked.

Reading and checking build hundreds of thousands of small objects (cells, amounts, terms)
that hold no reference cycles and are freed by reference counting; the cyclic collector
would walk the whole growing heap again and again meanwhile (a third of a 10,000-project
check). It is paused for the call and resumed after, without a collection.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def without_cyclic_gc(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` with the cyclic collector paused while it runs (nested calls are fine)."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused
