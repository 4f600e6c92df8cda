"""Words shared by every layer: a count with its noun in the right number, a p-value as readers read it, data made safe as text."""

from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """'1 study', '3 studies': a count with its noun in the right number."""
    n = int(n)
    if plural is None:
        plural = singular[:-1] + "ies" if singular.endswith("y") and singular[-2:-1] not in "aeiou" else singular + "s"
    return f"{n} {singular if n == 1 else plural}"


def p_text(p: float) -> str:
    """A p-value as journals print it for readers: two significant digits ('p = 0.034', 'p = 0.0012'), never in
    e-notation: 'p < 0.001' below one in a thousand, 'p > 0.99' where two digits would round it to 1."""
    if not 0 <= p <= 1:
        raise ValueError(f"a p-value lies between 0 and 1, not {p}")
    if p < 0.001:
        return "p < 0.001"
    if p >= 0.995:
        return "p > 0.99"
    return f"p = {p:.2g}"


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
