"""Words shared by every layer: a count with its noun in the right number."""

from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """'1 study', '3 studies': a count with its noun in the right number."""
    n = int(n)
    if plural is None:
        plural = singular[:-1] + "ies" if singular.endswith("y") and singular[-2:-1] not in "aeiou" else singular + "s"
    return f"{n} {singular if n == 1 else plural}"


_MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|~<>&$"


def markdown_text(value: object) -> str:
    """A value from the data, made safe to put into Markdown as plain text (one helper for every page).

    HTML is escaped (``<img onerror=…>`` is shown, never run), every Markdown punctuation character is
    backslash-escaped (no links, emphasis, code, maths or images from data), and line breaks become
    spaces (no headings, lists or block quotes can start inside a value).
    """
    text = " ".join(str(value).split())
    out = []
    for ch in text:
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch in _MARKDOWN_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)
