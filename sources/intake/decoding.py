"""Bytes to text: a byte-order mark, a declared charset (the HTTP header, an HTML ``<meta>``,
the curator's choice), UTF-8, or detection when every likely encoding reads the same;
otherwise the curator is asked to choose."""

from __future__ import annotations

import codecs
import re

from .errors import IntakeError

__all__ = ["ENCODINGS", "canonical_encoding", "decode"]

# The encodings a curator can choose on the form (labels as the WHATWG names them).
ENCODINGS = [
    ("utf-8", "UTF-8"),
    ("windows-1252", "Western European (windows-1252, ISO-8859-1)"),
    ("iso-8859-15", "Western European with € (ISO-8859-15)"),
    ("windows-1250", "Central European (windows-1250)"),
    ("iso-8859-2", "Central European (ISO-8859-2)"),
    ("windows-1251", "Cyrillic (windows-1251)"),
    ("koi8-r", "Cyrillic (KOI8-R)"),
    ("windows-1253", "Greek (windows-1253)"),
    ("windows-1254", "Turkish (windows-1254)"),
    ("windows-1257", "Baltic (windows-1257)"),
    ("utf-16", "UTF-16"),
    ("shift_jis", "Japanese (Shift JIS)"),
    ("euc-jp", "Japanese (EUC-JP)"),
    ("gb18030", "Chinese, simplified (GB18030)"),
    ("big5", "Chinese, traditional (Big5)"),
    ("euc-kr", "Korean (EUC-KR)"),
    ("mac-roman", "Mac OS Roman"),
]
# As browsers do (WHATWG): pages that say Latin-1 or ASCII are read as windows-1252, whose
# curly quotes and dashes they nearly always contain.
ENCODING_ALIASES = {
    "iso-8859-1": "windows-1252",
    "iso8859-1": "windows-1252",
    "latin-1": "windows-1252",
    "latin1": "windows-1252",
    "l1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
}
BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
MAX_CHAOS = 0.1  # charset-normalizer's mess ratio above which bytes are not taken for text
SAME_CHAOS = 0.01  # candidates this close to the best one are as likely
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def canonical_encoding(label: str | None) -> str | None:
    """The Python codec for a charset label, or None when the label is unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = ENCODING_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _where(error: UnicodeDecodeError) -> str:
    bad = error.object[error.start : error.start + 1].hex()
    return f"byte 0x{bad} at position {error.start:,}"


def _detect(data: bytes) -> tuple[str, str]:
    """charset-normalizer's reading, kept only when every about-as-likely encoding gives the
    same text: Western, Central European and Cyrillic code pages often tie, and choosing
    among them by chance would mangle the text without a word."""
    from charset_normalizer import from_bytes

    matches = [
        candidate for candidate in list(from_bytes(data))[:8] if candidate.chaos <= MAX_CHAOS
    ]
    if not matches:
        raise IntakeError(
            "The text is not UTF-8 and no character encoding reads it as text: it may be a "
            "binary file. Save it as UTF-8, or choose its encoding."
        )
    best = min(candidate.chaos for candidate in matches)
    likely = [candidate for candidate in matches if candidate.chaos <= best + SAME_CHAOS]
    readings: dict[str, list[str]] = {}
    for match in likely:
        readings.setdefault(str(match), []).extend(match.could_be_from_charset)
    if len(readings) == 1:
        ((text, encodings),) = readings.items()
        return text, min(encodings, key=_commonness)
    texts = list(readings)
    start = next(
        (offset for offset, chars in enumerate(zip(*texts, strict=False)) if len(set(chars)) > 1), 0
    )
    left = max(0, start - 20)
    excerpts: dict[str, list[str]] = {}  # readings that differ further on look alike here
    for text, encodings in readings.items():
        names = excerpts.setdefault(text[left : start + 20], [])
        names.append(_label(min(encodings, key=_commonness)))
    options = "; ".join(
        f"{' or '.join(names)}: “{'…' if left else ''}{excerpt}…”"
        for excerpt, names in list(excerpts.items())[:4]
    )
    raise IntakeError(
        "The text is not UTF-8 and its encoding cannot be told for sure; it reads differently "
        f"as {options}. Choose the encoding that reads right and send it again."
    )


COMMON = ["cp1252", "iso8859_15", "cp1250", "cp1251", "iso8859_2", "koi8_r", "cp1253", "cp1254"]


def _commonness(encoding: str) -> int:
    """Where several encodings read the bytes the same, the most widely used is named."""
    name = codecs.lookup(encoding).name
    return COMMON.index(name) if name in COMMON else len(COMMON)


def _label(encoding: str) -> str:
    """The name people know: windows-1252 rather than Python's cp1252."""
    name = codecs.lookup(encoding.removesuffix("-sig")).name.replace("_", "-")
    return "windows-" + name[2:] if re.fullmatch(r"cp125\d", name) else name


def decode(
    data: bytes,
    *,
    declared: str | None = None,
    declared_by: str = "",
    html: bool = False,
    notes: list[str] | None = None,
) -> tuple[str, str]:
    """``data`` as text, and the name of the encoding used.

    A byte-order mark decides. The curator's choice (``declared_by="you"``) must fit the bytes
    or the text is refused. Otherwise valid UTF-8 is read as UTF-8 whatever a server or a
    ``<meta>`` says (legacy text is almost never valid UTF-8 by chance, and a wrong word would
    mangle it); then the server's charset, the page's ``<meta>``; then detection.
    """
    notes = notes if notes is not None else []
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), _label(encoding)
            except UnicodeDecodeError as error:
                raise IntakeError(
                    f"The text starts with a {_label(encoding)} byte-order mark but is not "
                    f"valid {_label(encoding)} ({_where(error)})."
                ) from None
    if declared and declared_by == "you":
        encoding = canonical_encoding(declared)
        if encoding is None:
            raise IntakeError(f"“{declared}” is not a character encoding this app knows.")
        try:
            return data.decode(encoding), _label(encoding)
        except UnicodeDecodeError as error:
            raise IntakeError(
                f"The text is not valid {_label(encoding)} ({_where(error)}): choose another "
                "encoding, or let it be detected."
            ) from None
    claims = []  # (encoding, who said it)
    if declared:
        encoding = canonical_encoding(declared)
        if encoding is None:
            notes.append(f"The declared charset “{declared}” is unknown: it was ignored.")
        else:
            claims.append((encoding, declared_by.capitalize() or "The source"))
    if html:
        meta = META_CHARSET.search(data[:4096])
        encoding = canonical_encoding(meta.group(1).decode("ascii")) if meta else None
        if encoding and not encoding.startswith(("utf-16", "utf-32")):
            claims.append((encoding, "The page's <meta>"))
    if not any(encoding.startswith(("utf-16", "utf-32")) for encoding, _who in claims):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            for encoding, who in claims:
                if encoding != "utf-8" and not text.isascii():
                    notes.append(f"{who} said {_label(encoding)}, but the text is UTF-8.")
                    break
            return text, "utf-8"
    for encoding, who in claims:
        try:
            return data.decode(encoding), _label(encoding)
        except UnicodeDecodeError as error:
            notes.append(
                f"{who} said {_label(encoding)}, but the text is not ({_where(error)}): its "
                "encoding was detected instead."
            )
    text, encoding = _detect(data)
    notes.append(
        f"The text is not UTF-8: read as {_label(encoding)} (detected). Check a few accented "
        "letters and quotation marks."
    )
    return text, _label(encoding)
