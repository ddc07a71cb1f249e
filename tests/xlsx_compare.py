"""Part-by-part comparison of two xlsx files, in the style of XlsxWriter's own test suite.

XML parts are canonicalised (C14N) so attribute order and white space do not matter;
volatile parts (creation and modification times) are ignored. A difference is returned as a
unified diff of the first differing part, so a layout change shows up as a readable diff.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import canonicalize

_VOLATILE = re.compile(r"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _normalise(name: str, data: bytes) -> str:
    text = data.decode("utf-8")
    if name == "docProps/core.xml":
        text = _VOLATILE.sub("", text)
    if name.endswith((".xml", ".rels", ".vml")):
        text = canonicalize(text, strip_text=True)
        text = re.sub(r">\s*<", ">\n<", text)
    return text


def parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as package:
        return {
            name: _normalise(name, package.read(name))
            for name in sorted(package.namelist())
            if not name.endswith(".bin")
        }


def diff_xlsx(got: Path, golden: Path) -> str:
    """Empty string when equal; otherwise a readable description of the first difference."""
    ours, theirs = parts(got), parts(golden)
    if sorted(ours) != sorted(theirs):
        return f"parts differ:\n  got    {sorted(ours)}\n  golden {sorted(theirs)}"
    for name in ours:
        if ours[name] != theirs[name]:
            lines = difflib.unified_diff(
                theirs[name].splitlines(),
                ours[name].splitlines(),
                f"golden/{name}",
                f"got/{name}",
                lineterm="",
                n=2,
            )
            return "\n".join(list(lines)[:80])
    return ""
