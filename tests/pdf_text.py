"""The text of a PDF printed by chromium (Skia), page by page: enough for tests to read the whole-book PDF
without a PDF library in the environment.

Skia writes each page's text as glyph codes (``<0037> Tj``, ``[<00370048> -12 <0057>] TJ``) in a
Flate-compressed content stream, in fonts that map the codes to Unicode with a ``ToUnicode`` CMap.
This reads those three things and nothing else: no layout, no other encodings. Each text object
(``BT`` ... ``ET``, one run of a line) ends with a newline; ligatures are given as their letters (NFKC).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from pathlib import Path

_OBJECT = re.compile(rb"(?<![0-9])(\d+) 0 obj\b(.*?)\bendobj", re.S)
_REF = rb"(\d+) 0 R"
_TEXT_OP = re.compile(rb"/([^\s/\[\]<>()]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>\s*Tj|\[((?:[^\]\\]|\\.)*)\]\s*TJ|\bET\b")


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Object number -> (its dictionary text, its decompressed stream or b'')."""
    found: dict[int, tuple[bytes, bytes]] = {}
    for match in _OBJECT.finditer(data):
        body = match.group(2)
        start = re.search(rb"\bstream\r?\n", body)
        if start is None:
            found[int(match.group(1))] = (body, b"")
            continue
        head, raw = body[: start.start()], body[start.end():]
        raw = raw[: raw.rfind(b"endstream")].rstrip(b"\r\n")
        stream = raw
        if b"/FlateDecode" in head:
            try:
                stream = zlib.decompressobj().decompress(raw)
            except zlib.error:
                stream = b""
        found[int(match.group(1))] = (head, stream)
    return found


def _cmap(text: bytes) -> dict[int, str]:
    """A ToUnicode CMap: glyph code -> text."""
    def unicode(hex_text: bytes) -> str:
        return bytes.fromhex(hex_text.decode()).decode("utf-16-be", errors="replace")

    codes: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            codes[int(source, 16)] = unicode(target)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block):
            first, last = int(low, 16), int(high, 16)
            if target.startswith(b"["):
                for offset, item in enumerate(re.findall(rb"<([0-9A-Fa-f]*)>", target)):
                    codes[first + offset] = unicode(item)
            else:
                start = bytes.fromhex(target[1:-1].decode())
                for offset in range(last - first + 1):
                    value = int.from_bytes(start, "big") + offset
                    codes[first + offset] = value.to_bytes(len(start), "big").decode("utf-16-be", errors="replace")
    return codes


def _resolve(objects: dict[int, tuple[bytes, bytes]], text: bytes, key: bytes) -> bytes:
    """The value of ``/key`` in ``text``: an inline dictionary, or the dictionary of the object it refers to."""
    inline = re.search(rb"/" + key + rb"\s*<<", text)
    if inline:
        depth, i = 0, inline.end() - 2
        while i < len(text):
            if text.startswith(b"<<", i):
                depth, i = depth + 1, i + 2
            elif text.startswith(b">>", i):
                depth, i = depth - 1, i + 2
                if depth == 0:
                    return text[inline.end() - 2: i]
            else:
                i += 1
        return text[inline.end() - 2:]
    ref = re.search(rb"/" + key + rb"\s+" + _REF, text)
    return objects.get(int(ref.group(1)), (b"", b""))[0] if ref else b""


def pages_text(path: Path) -> list[str]:
    """The text of every page of the PDF at ``path``, in page order (the order of the page tree's /Kids)."""
    data = Path(path).read_bytes()
    objects = _objects(data)
    kids: list[int] = []

    def walk(number: int) -> None:
        head = objects.get(number, (b"", b""))[0]
        if re.search(rb"/Type\s*/Pages\b", head):
            listing = re.search(rb"/Kids\s*\[([^\]]*)\]", head)
            for child in re.findall(_REF, listing.group(1) if listing else b""):
                walk(int(child))
        elif re.search(rb"/Type\s*/Page\b", head):
            kids.append(number)

    catalog = next(n for n, (head, _s) in objects.items() if re.search(rb"/Type\s*/Catalog\b", head))
    root = re.search(rb"/Pages\s+" + _REF, objects[catalog][0])
    assert root is not None, "no page tree"
    walk(int(root.group(1)))
    texts = []
    for number in kids:
        head = objects[number][0]
        fonts: dict[bytes, tuple[dict[int, str], int]] = {}
        font_dict = _resolve(objects, _resolve(objects, head, b"Resources"), b"Font")
        for name, ref in re.findall(rb"/([^\s/<>\[\]]+)\s+" + _REF, font_dict):
            font = objects.get(int(ref), (b"", b""))[0]
            to_unicode = re.search(rb"/ToUnicode\s+" + _REF, font)
            cmap = _cmap(objects[int(to_unicode.group(1))][1]) if to_unicode else {}
            fonts[name] = (cmap, 2 if b"/Type0" in font else 1)
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|" + _REF + rb")", head)
        streams = [int(n) for n in re.findall(_REF, contents.group(0))] if contents else []
        content = b"\n".join(objects.get(n, (b"", b""))[1] for n in streams)
        out: list[str] = []
        cmap, width = {}, 2
        for match in _TEXT_OP.finditer(content):
            if match.group(1) is not None:
                cmap, width = fonts.get(match.group(1), ({}, 2))
                continue
            if match.group(0) == b"ET":
                out.append("\n")
                continue
            pieces = [match.group(2)] if match.group(2) is not None else re.findall(rb"<([0-9A-Fa-f\s]*)>", match.group(3))
            for piece in pieces:
                raw = bytes.fromhex(re.sub(rb"\s", b"", piece).decode())
                out.extend(cmap.get(int.from_bytes(raw[i: i + width], "big"), "") for i in range(0, len(raw), width))
        texts.append(unicodedata.normalize("NFKC", "".join(out)))  # ligatures (ﬀ) as their letters
    return texts
