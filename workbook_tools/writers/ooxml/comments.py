"""Comments parts (``xl/commentsN.xml``): reading the notes a sheet has, replacing or
adding ours, removing them again. Other comments stay byte for byte."""

from __future__ import annotations

from dataclasses import dataclass

from workbook_tools.writers.ooxml import xmlscan
from workbook_tools.writers.ooxml.edits import Edit
from workbook_tools.writers.ooxml.opc import MAIN_NS, XML_DECLARATION
from workbook_tools.writers.ooxml.sheet_values import inline_text


@dataclass(frozen=True)
class Comment:
    ref: str
    author: str
    text: str
    start: int
    end: int


def comment_xml(prefix: bytes, ref: str, author_id: int, text: str) -> bytes:
    p = prefix
    space = b' xml:space="preserve"' if text != text.strip() or "\n" in text else b""
    body = xmlscan.escape(text).replace("\r", "&#13;").encode("utf-8")
    return (
        b"<" + p + b"comment " + xmlscan.attr("ref", ref) + b" "
        + xmlscan.attr("authorId", str(author_id)) + b"><" + p + b"text><" + p + b"t" + space
        + b">" + body + b"</" + p + b"t></" + p + b"text></" + p + b"comment>"
    )  # fmt: skip


def new_comments(notes: dict[str, str], author: str) -> bytes:
    body = b"".join(comment_xml(b"", ref, 0, text) for ref, text in notes.items())
    return (
        XML_DECLARATION
        + f'<comments xmlns="{MAIN_NS}"><authors><author>'.encode()
        + xmlscan.escape(author).encode("utf-8")
        + b"</author></authors><commentList>"
        + body
        + b"</commentList></comments>"
    )


class CommentsXml:
    def __init__(self, data: bytes) -> None:
        self.data = data
        root = xmlscan.root_tag(data)
        if root is None or root.name != b"comments":
            raise ValueError("not a comments part")
        self.p = root.prefix
        self.authors: list[str] = []
        self.authors_tag: tuple[xmlscan.Tag, int] | None = None
        self.list_tag: tuple[xmlscan.Tag, int] | None = None
        self.comments: dict[str, Comment] = {}
        for child, end in xmlscan.children(data, root):
            if child.name == b"authors":
                self.authors_tag = (child, end)
                self.authors = [self._inner(t, e) for t, e in xmlscan.children(data, child)]
            elif child.name == b"commentList":
                self.list_tag = (child, end)
                for tag, tag_end in xmlscan.children(data, child):
                    self._comment(tag, tag_end)

    def _inner(self, tag: xmlscan.Tag, end: int) -> str:
        if tag.empty:
            return ""
        close = xmlscan.closing_tag(self.data, tag, end)
        return xmlscan.unescape(self.data[tag.end : close].decode("utf-8", "replace"))

    def _comment(self, tag: xmlscan.Tag, end: int) -> None:
        from xml.etree import ElementTree

        attrs = tag.attributes()
        author_id = attrs.get("authorId", "0")
        index = int(author_id) if author_id.isdigit() else 0
        fragment = self.data[tag.start : end]
        wrapper = b"<w " + b" ".join(_declarations(self.data)) + b">" + fragment + b"</w>"
        try:
            element = ElementTree.fromstring(wrapper)[0]
            text_element = next((c for c in element if c.tag.endswith("text")), None)
            text = "" if text_element is None else inline_text(text_element)
        except ElementTree.ParseError:
            text = ""
        author = self.authors[index] if 0 <= index < len(self.authors) else ""
        ref = attrs.get("ref", "")
        self.comments[ref] = Comment(ref, author, text, tag.start, end)

    def author_edits(self, author: str) -> tuple[int, list[Edit]]:
        """The index of ``author``, adding it when missing."""
        if author in self.authors:
            return self.authors.index(author), []
        element = (
            b"<"
            + self.p
            + b"author>"
            + xmlscan.escape(author).encode()
            + b"</"
            + self.p
            + b"author>"
        )
        if self.authors_tag is None:
            root = xmlscan.root_tag(self.data)
            assert root is not None
            block = b"<" + self.p + b"authors>" + element + b"</" + self.p + b"authors>"
            return 0, [Edit(root.end, root.end, block)]
        tag, end = self.authors_tag
        if tag.empty:
            opened = self.data[tag.start : tag.end][:-2].rstrip() + b">"
            return len(self.authors), [
                Edit(tag.start, tag.end, opened + element + b"</" + self.p + b"authors>")
            ]
        close = xmlscan.closing_tag(self.data, tag, end)
        return len(self.authors), [Edit(close, close, element)]

    def set_edits(self, notes: dict[str, str], author: str) -> list[Edit]:
        """Our notes on ``notes``' cells: replacing a cell's comment, or added at the end."""
        author_id, edits = self.author_edits(author)
        added = b""
        for ref, text in notes.items():
            element = comment_xml(self.p, ref, author_id, text)
            found = self.comments.get(ref)
            if found is not None:
                edits.append(Edit(found.start, found.end, element))
            else:
                added += element
        if added:
            edits.append(self._append(added))
        return edits

    def _append(self, elements: bytes) -> Edit:
        if self.list_tag is None:
            pos = xmlscan.closing_tag(self.data, *self._root_span())
            block = b"<" + self.p + b"commentList>" + elements + b"</" + self.p + b"commentList>"
            return Edit(pos, pos, block)
        tag, end = self.list_tag
        if tag.empty:
            opened = self.data[tag.start : tag.end][:-2].rstrip() + b">"
            return Edit(tag.start, tag.end, opened + elements + b"</" + self.p + b"commentList>")
        close = xmlscan.closing_tag(self.data, tag, end)
        return Edit(close, close, elements)

    def _root_span(self) -> tuple[xmlscan.Tag, int]:
        root = xmlscan.root_tag(self.data)
        assert root is not None
        return root, len(self.data)

    def replace_edits(self, replacements: dict[str, tuple[str, str] | None]) -> list[Edit]:
        """Per ref: put back (text, author), or remove the comment (None)."""
        edits: list[Edit] = []
        for ref, value in replacements.items():
            found = self.comments.get(ref)
            if found is None:
                continue
            if value is None:
                edits.append(Edit(found.start, found.end, b""))
                continue
            text, author = value
            author_id, more = self.author_edits(author)
            if author not in self.authors:
                self.authors.append(author)
                edits += more
            edits.append(Edit(found.start, found.end, comment_xml(self.p, ref, author_id, text)))
        return edits


def _declarations(data: bytes) -> list[bytes]:
    root = xmlscan.root_tag(data)
    if root is None:
        return []
    return [
        xmlscan.attr("xmlns" + (":" + k if k else ""), v)
        for k, v in xmlscan.namespaces(root).items()
    ]
