"""Password hashing and secret comparison.

Two hash-string formats share one key-derivation core (``hashlib.scrypt`` and
``hashlib.pbkdf2_hmac``):

* Veloce's own, from :func:`hash_password`: ``method$params$salt$hash`` with the salt
  and hash in URL-safe base64 without padding, e.g.
  ``scrypt$32768:8:1$<salt>$<hash>`` or ``pbkdf2:sha256$600000$<salt>$<hash>``.
* Werkzeug's, from :func:`generate_password_hash`: ``method:params$salt$hexhash``
  with a text salt, e.g. ``scrypt:32768:8:1$<salt>$<hex>`` or
  ``pbkdf2:sha256:1000000$<salt>$<hex>``. ``veloce.compat.werkzeug.security``
  re-exports these functions, so hashes stored by a Flask app keep working.

:func:`verify_password` accepts both formats, so an app migrating from Werkzeug can
verify old hashes and re-hash at the next login.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import os
import secrets
import typing as t

__all__ = [
    "check_password_hash",
    "constant_time_compare",
    "gen_salt",
    "generate_password_hash",
    "hash_password",
    "hash_password_async",
    "is_strong_password",
    "verify_password",
    "verify_password_async",
]

_SALT_BYTES = 16
_SCRYPT_DEFAULTS = (2**15, 8, 1)
_SCRYPT_DKLEN = 64
_PBKDF2_ITERATIONS = 600_000
#: Werkzeug 3.1's default, kept for byte-compatible ``generate_password_hash``.
_WERKZEUG_PBKDF2_ITERATIONS = 1_000_000
_SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# hashlib.scrypt refuses a maxmem above INT_MAX.
_MAXMEM_CAP = 2**31 - 1
# Anything a malformed or hostile stored hash can make the KDFs raise.
_KDF_ERRORS = (ValueError, TypeError, OverflowError, MemoryError, binascii.Error)


def _to_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(data: str) -> bytes:
    raw = data.encode("ascii")
    return base64.b64decode(raw + b"=" * (-len(raw) % 4), altchars=b"-_", validate=True)


def _parse_method(method: str, pbkdf2_iterations: int) -> tuple[str, tuple[t.Any, ...]]:
    """``("scrypt", (n, r, p))`` or ``("pbkdf2", (hash_name, iterations))``.

    Accepts Werkzeug's method syntax: ``scrypt``, ``scrypt:n:r:p``, ``pbkdf2``,
    ``pbkdf2:hash`` and ``pbkdf2:hash:iterations``.
    """
    name, *args = method.split(":")
    if name == "scrypt":
        if not args:
            return name, _SCRYPT_DEFAULTS
        if len(args) != 3:
            raise ValueError("'scrypt' takes 3 arguments.")
        try:
            n, r, p = (int(arg) for arg in args)
        except ValueError:
            raise ValueError("'scrypt' takes 3 arguments.") from None
        return name, (n, r, p)
    if name == "pbkdf2":
        if len(args) > 2:
            raise ValueError("'pbkdf2' takes 2 arguments.")
        hash_name = args[0] if args else "sha256"
        iterations = int(args[1]) if len(args) == 2 else pbkdf2_iterations
        return name, (hash_name, iterations)
    raise ValueError(f"Invalid hash method '{name}'.")


def _derive(
    name: str, params: tuple[t.Any, ...], password: bytes, salt: bytes, dklen: int | None
) -> bytes:
    if name == "scrypt":
        n, r, p = params
        # OpenSSL needs 128*r*(n + p + 2) bytes; leave headroom, stay under the cap.
        maxmem = min(128 * r * (n + p + 2) + 2**20, _MAXMEM_CAP)
        return hashlib.scrypt(
            password, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen or _SCRYPT_DKLEN
        )
    hash_name, iterations = params
    return hashlib.pbkdf2_hmac(hash_name, password, salt, iterations, dklen)


def _method_label(name: str, params: tuple[t.Any, ...]) -> tuple[str, str]:
    """The (method, params) pair written into a hash string."""
    if name == "scrypt":
        return "scrypt", "{}:{}:{}".format(*params)
    return f"pbkdf2:{params[0]}", str(params[1])


# -- Veloce's format -------------------------------------------------------------------


def hash_password(
    password: str | bytes, method: str = "scrypt", salt_length: int = _SALT_BYTES
) -> str:
    """Derive a salted verifier for ``password``.

    Returns a self-describing string of the form ``method$params$salt$hash`` (salt
    and hash in URL-safe base64, no padding). Pass it verbatim to
    :func:`verify_password` later.

    Args:
        password: The plaintext password (str is UTF-8 encoded).
        method: ``"scrypt"`` (default; RFC 7914, memory-hard) or ``"pbkdf2:sha256"``
            (NIST SP 800-132, CPU-only). Cost parameters may follow in Werkzeug's
            syntax: ``"scrypt:16384:8:1"``, ``"pbkdf2:sha256:600000"``.
        salt_length: Random salt bytes; 16 is the OWASP minimum.

    Raises:
        ValueError: unknown method, bad parameters or ``salt_length`` < 1.
    """
    if salt_length < 1:
        raise ValueError("Salt length must be at least 1.")
    name, params = _parse_method(method, _PBKDF2_ITERATIONS)
    salt = os.urandom(salt_length)
    digest = _derive(name, params, _to_bytes(password), salt, None)
    label, encoded_params = _method_label(name, params)
    return f"{label}${encoded_params}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str | bytes, stored: str) -> bool:
    """Compare candidate ``password`` against a ``stored`` verifier string.

    ``stored`` comes from :func:`hash_password` or from Werkzeug's
    ``generate_password_hash``. Returns ``False`` (never raises) for a malformed
    ``stored``, an unknown method, or a mismatch. The final comparison uses
    :func:`hmac.compare_digest`, so timing does not leak partial matches.
    """
    if not isinstance(stored, str):
        return False
    parts = stored.split("$")
    try:
        if len(parts) == 4:
            method, params, salt_b64, hash_b64 = parts
            name, parsed = _parse_method(f"{method}:{params}", _PBKDF2_ITERATIONS)
            expected = _unb64(hash_b64)
            if not expected:
                return False
            actual = _derive(name, parsed, _to_bytes(password), _unb64(salt_b64), len(expected))
            return hmac.compare_digest(actual, expected)
        if len(parts) == 3:
            return check_password_hash(stored, password)
    except _KDF_ERRORS:
        return False
    return False


async def hash_password_async(
    password: str | bytes, method: str = "scrypt", salt_length: int = _SALT_BYTES
) -> str:
    """Async-safe wrapper for :func:`hash_password` — runs the KDF on a thread.

    The KDF is deliberately slow (~100 ms of CPU); calling it directly from an
    ``async def`` handler would stall the event loop for every other request.
    """
    return await asyncio.to_thread(hash_password, password, method, salt_length)


async def verify_password_async(password: str | bytes, stored: str) -> bool:
    """Async-safe wrapper for :func:`verify_password` — runs the KDF on a thread."""
    return await asyncio.to_thread(verify_password, password, stored)


# -- Werkzeug's format -----------------------------------------------------------------


def gen_salt(length: int) -> str:
    """A random string of ``length`` ASCII letters and digits (Werkzeug's salt).

    Raises:
        ValueError: ``length`` < 1.
    """
    if length <= 0:
        raise ValueError("Salt length must be at least 1.")
    return "".join(secrets.choice(_SALT_CHARS) for _ in range(length))


def _werkzeug_hash(method: str, salt: str, password: str | bytes) -> tuple[str, str]:
    name, params = _parse_method(method, _WERKZEUG_PBKDF2_ITERATIONS)
    digest = _derive(name, params, _to_bytes(password), salt.encode("utf-8"), None)
    label, encoded_params = _method_label(name, params)
    return digest.hex(), f"{label}:{encoded_params}"


def generate_password_hash(password: str, method: str = "scrypt", salt_length: int = 16) -> str:
    """Hash a password in Werkzeug's format, ``method:params$salt$hexhash``.

    Flask parity: ``werkzeug.security.generate_password_hash`` — the same methods
    and defaults (``scrypt:32768:8:1``, ``pbkdf2:sha256:1000000``), a text salt of
    ``salt_length`` letters and digits, and a hex digest; Werkzeug verifies the
    result and :func:`check_password_hash` verifies Werkzeug's.

    Raises:
        ValueError: unknown method, bad parameters or ``salt_length`` < 1.
    """
    salt = gen_salt(salt_length)
    hexdigest, actual_method = _werkzeug_hash(method, salt, password)
    return f"{actual_method}${salt}${hexdigest}"


def check_password_hash(pwhash: str, password: str | bytes) -> bool:
    """Check ``password`` against a hash from :func:`generate_password_hash`.

    Flask parity: ``werkzeug.security.check_password_hash`` — ``False`` for a
    string without ``method$salt$hash`` parts or a wrong password, ``ValueError``
    for an unknown method. Unlike Werkzeug, a non-ASCII stored hash compares as a
    mismatch instead of raising ``TypeError``.

    Raises:
        ValueError: the stored method is unknown or its parameters are invalid.
    """
    method, sep, rest = pwhash.partition("$")
    salt, sep2, hashval = rest.partition("$")
    if not (sep and sep2):
        return False
    hexdigest = _werkzeug_hash(method, salt, password)[0]
    return hmac.compare_digest(hexdigest.encode("ascii"), hashval.encode("utf-8"))


# -- policy and comparison -------------------------------------------------------------


def is_strong_password(password: str, min_length: int = 8) -> bool:
    """Cheap policy check — not exhaustive.

    True only when ``password`` has at least ``min_length`` characters and at least
    one digit and one alphabetic character. Layer a real policy (NIST SP 800-63B:
    block known-leaked passwords, no maximum-length caps) on top where it matters.
    """
    if not isinstance(password, str) or len(password) < min_length:
        return False
    return any(c.isdigit() for c in password) and any(c.isalpha() for c in password)


def constant_time_compare(val1: t.Any, val2: t.Any) -> bool:
    """Compare two secrets without leaking their contents through timing.

    Use this instead of ``==`` when an attacker controls one side (an API key, a
    token, a signature, a CSRF value). Wraps :func:`hmac.compare_digest`; str inputs
    are UTF-8 encoded first. Returns ``False`` (rather than raising) when the two
    arguments are not both strings or not both bytes-like, so a type mismatch is a
    plain non-match.
    """
    if isinstance(val1, str) and isinstance(val2, str):
        return hmac.compare_digest(val1.encode("utf-8"), val2.encode("utf-8"))
    bytes_like = (bytes, bytearray, memoryview)
    if isinstance(val1, bytes_like) and isinstance(val2, bytes_like):
        return hmac.compare_digest(val1, val2)
    return False
