"""Words shared by every layer: a count with its noun in the right number."""

from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """'1 study', '3 studies': a count with its noun in the right number."""
    n = int(n)
    if plural is None:
        plural = singular[:-1] + "ies" if singular.endswith("y") and singular[-2:-1] not in "aeiou" else singular + "s"
    return f"{n} {singular if n == 1 else plural}"
