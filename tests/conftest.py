from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXAMPLES = ROOT / "examples"
TEMPLATES = ROOT / "templates"

# (workbook, transcription it was built from)
EXAMPLE_FILES = [
    ("changji-2024.xlsx", "changji-2024"),
    ("kashgar-2024.xlsx", "kashgar-2024"),
    ("changji-2024-system.xlsx", "changji-2024"),
    ("urumqi-2023-final.xlsx", "urumqi-2023"),
]


@pytest.fixture
def changji() -> Path:
    return EXAMPLES / "changji-2024.xlsx"
