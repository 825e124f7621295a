"""Inspect an uploaded PDF whole and cheaply: is there anything a viewer would run or open?

The file is read as a viewer that repairs files would read it, not as its cross-reference
table says: every `N G obj` in the bytes counts, including objects the table marks as free
and objects appended after `%%EOF`, and so does every object packed in an object stream.
Names are compared after their `#xx` escapes are decoded (`/J#61vaScript` is `/JavaScript`).
Stream contents other than object streams (page contents, images, fonts) are skipped, so
random bytes in a scanned image can never look like a keyword.

The work is bounded before it starts: a file with more than MAX_OBJECTS objects, more than
MAX_DECODED_BYTES of object-stream data or dictionaries nested deeper than MAX_NESTING is
refused, and so is one whose inspection outlasts MAX_SECONDS. One plain regular-expression
pass over the bytes finds the objects (measured in tests/talent/test_uploads.py: a 10 MB file
of 210,000 objects is refused in well under a second, where the full parse it replaced spent
4 to 5 s of a worker's CPU).
"""

import re
import time
import zlib
from base64 import a85decode
from binascii import a2b_hex
from dataclasses import dataclass

MAX_OBJECTS = 25_000
MAX_NESTING = 64
MAX_DECODED_BYTES = 20 * 1024 * 1024
MAX_SECONDS = 2.0

# Keys and action types a viewer may run or open.
ACTIVE_NAMES = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"Launch",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"Filespec",
        b"RichMedia",
        b"RichMediaExecute",
        b"XFA",
        b"AA",
        b"ImportData",
        b"SubmitForm",
        b"GoToE",
    }
)

_OBJECT = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_ENDSTREAM = re.compile(rb"endstream")
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_NESTING = re.compile(rb"<<|>>|\[|\]")
_OBJSTM_HEADER = re.compile(rb"\s*\d+\s+\d+")


class Verdict:
    ACTIVE = "active"  # scripts, actions or embedded files
    TOO_COMPLEX = "too_complex"  # over a bound: refused without being read to the end
    UNREADABLE = "unreadable"  # not a PDF we can read (damaged, encrypted, unknown encoding)


@dataclass
class _Budget:
    deadline: float
    decoded: int = 0

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Refused(Verdict.TOO_COMPLEX)


class _Refused(Exception):
    def __init__(self, verdict: str) -> None:
        super().__init__(verdict)
        self.verdict = verdict


def inspect(data: bytes) -> str | None:
    """None when the PDF holds nothing a viewer would run; otherwise the Verdict that refuses it."""
    try:
        _inspect(data, _Budget(deadline=time.monotonic() + MAX_SECONDS))
    except _Refused as refused:
        return refused.verdict
    return None


def _decode_names(text: bytes) -> set[bytes]:
    return {_ESCAPE.sub(lambda m: a2b_hex(m.group(1)), name) for name in _NAME.findall(text)}


def _inspect(data: bytes, budget: _Budget) -> None:
    if len(_OBJECT.findall(data)) > MAX_OBJECTS:
        raise _Refused(Verdict.TOO_COMPLEX)
    outside, streams = _split_streams(data, budget)
    if not _OBJECT.search(outside):
        raise _Refused(Verdict.UNREADABLE)
    names = _decode_names(outside)
    if b"Encrypt" in names:
        raise _Refused(Verdict.UNREADABLE)  # strings and streams we cannot read
    objects = len(_OBJECT.findall(outside))
    texts = [outside]
    for header, body in streams:
        budget.check()
        decoded = _object_stream(header, body, budget)
        if decoded is not None:
            objects += _count_in_object_stream(header)
            if objects > MAX_OBJECTS:
                raise _Refused(Verdict.TOO_COMPLEX)
            names |= _decode_names(decoded)
            texts.append(decoded)
    for text in texts:
        _check_nesting(text, budget)
    if names & ACTIVE_NAMES:
        raise _Refused(Verdict.ACTIVE)


def _split_streams(data: bytes, budget: _Budget) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The bytes outside any stream, and each stream's (dictionary text, raw body)."""
    outside: list[bytes] = []
    streams: list[tuple[bytes, bytes]] = []
    position = 0
    while True:
        found = _STREAM.search(data, position)
        if found is None:
            break
        end = _ENDSTREAM.search(data, found.end())
        if end is None:
            raise _Refused(Verdict.UNREADABLE)
        before = data[position : found.start()]
        outside.append(before)
        # The stream's dictionary: from its object header (the last `obj` before it) on.
        headers = list(_OBJECT.finditer(before))
        header = before[headers[-1].end() :] if headers else before[-4096:]
        streams.append((header, data[found.end() : end.start()]))
        position = end.end()
        if len(streams) % 256 == 0:
            budget.check()
    outside.append(data[position:])
    return b"".join(outside), streams


def _object_stream(header: bytes, body: bytes, budget: _Budget) -> bytes | None:
    """The decoded content of an object stream (by its /Type, or by its content's shape when the
    type is missing), or None for any other stream."""
    names = _decode_names(header)
    filters = [name for name in _filters(header) if name]
    declared = b"ObjStm" in names
    if not declared:
        # A stream without /Type /ObjStm may still be used as one: peek at its first bytes.
        if not filters or filters[0] not in (b"FlateDecode", b"Fl"):
            return None
        try:
            head = zlib.decompressobj().decompress(body, 64)
        except zlib.error:
            return None
        if not _OBJSTM_HEADER.match(head):
            return None
    if b"Predictor" in names or b"DecodeParms" in names or b"DP" in names:
        raise _Refused(Verdict.UNREADABLE)
    decoded = body
    for name in filters:
        decoded = _decode(name, decoded, budget)
    return decoded


def _filters(header: bytes) -> list[bytes]:
    text = _ESCAPE.sub(lambda m: a2b_hex(m.group(1)), header)
    found = re.search(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)", text)
    if found is None:
        return []
    return list(re.findall(rb"/([^\s/\[\]<>()]+)", found.group(1)))


def _decode(name: bytes, data: bytes, budget: _Budget) -> bytes:
    try:
        if name in (b"FlateDecode", b"Fl"):
            inflater = zlib.decompressobj()
            out = inflater.decompress(data, MAX_DECODED_BYTES - budget.decoded + 1)
        elif name in (b"ASCIIHexDecode", b"AHx"):
            cleaned = re.sub(rb"\s", b"", data).rstrip(b">")
            out = a2b_hex(cleaned + b"0" * (len(cleaned) % 2))
        elif name in (b"ASCII85Decode", b"A85"):
            out = a85decode(data.strip(), adobe=data.strip().startswith(b"<~"))
        else:
            raise _Refused(Verdict.UNREADABLE)
    except (zlib.error, ValueError) as exc:
        raise _Refused(Verdict.UNREADABLE) from exc
    budget.decoded += len(out)
    if budget.decoded > MAX_DECODED_BYTES:
        raise _Refused(Verdict.TOO_COMPLEX)
    return out


def _count_in_object_stream(header: bytes) -> int:
    found = re.search(rb"/N\s+(\d+)", header)
    return int(found.group(1)) if found else 1


def _check_nesting(text: bytes, budget: _Budget) -> None:
    depth = 0
    for count, token in enumerate(_NESTING.findall(text)):
        depth += 1 if token in (b"<<", b"[") else -1
        if depth > MAX_NESTING:
            raise _Refused(Verdict.TOO_COMPLEX)
        depth = max(depth, 0)
        if count % 100_000 == 99_999:
            budget.check()
