"""Filesystem-safe names from untrusted input: ``secure_filename`` and ``safe_join``."""

from __future__ import annotations

import os
import posixpath
import re
import unicodedata

__all__ = ["safe_join", "secure_filename"]

_unsafe_chars = re.compile(r"[^A-Za-z0-9_.-]")
_windows_device_names = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
)
_alt_separators = [sep for sep in (os.sep, os.path.altsep) if sep and sep != "/"]


def secure_filename(filename: str) -> str:
    """A safe basename for ``filename``: ASCII letters, digits, ``_``, ``.`` and ``-``.

    Flask parity (Werkzeug's ``secure_filename``, same output): unicode is reduced to
    ASCII (NFKD, the rest dropped), path separators and whitespace runs become one
    ``_``, other characters are removed, leading/trailing dots and underscores are
    stripped; on Windows reserved device names get a ``_`` prefix. May return ``""``:
    the caller must supply a fallback name.
    """
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    for sep in (os.sep, os.path.altsep):
        if sep:
            ascii_name = ascii_name.replace(sep, " ")
    cleaned = _unsafe_chars.sub("", "_".join(ascii_name.split())).strip("._")
    if os.name == "nt" and cleaned and cleaned.split(".")[0].upper() in _windows_device_names:
        cleaned = f"_{cleaned}"
    return cleaned


def safe_join(directory: str, *pathnames: str) -> str | None:
    """Join untrusted ``pathnames`` onto ``directory``, or ``None`` if that would escape it.

    Flask parity (Werkzeug's ``safe_join``): each part is normalised; absolute parts,
    ``..`` escapes, OS alternative separators and NUL bytes make it return ``None``.
    Symlinks are not resolved.
    """
    if not directory:
        directory = "."
    parts = [directory]
    for filename in pathnames:
        if filename != "":
            filename = posixpath.normpath(filename)
        if (
            "\x00" in filename
            or any(sep in filename for sep in _alt_separators)
            or os.path.isabs(filename)
            or filename.startswith("/")
            or filename == ".."
            or filename.startswith("../")
        ):
            return None
        parts.append(filename)
    return posixpath.join(*parts)
