"""Signed, timestamped tokens: the spec's :class:`Signer` (HMAC-SHA256).

A token is ``payload.timestamp.signature``, each part URL-safe base64 without
padding: the compact UTF-8 JSON of the value (zlib-compressed, with a leading ``.``,
when that is shorter), the signing time in whole Unix seconds as a
minimal big-endian integer, and ``HMAC-SHA256(key, payload + "." + timestamp)`` where
``key = HMAC-SHA256(secret, salt)``. This is exactly the token
``itsdangerous.URLSafeTimedSerializer(secret, salt, signer_kwargs={"key_derivation":
"hmac", "digest_method": hashlib.sha256})`` writes, byte for byte, so tokens move
freely between the two.

The salt separates uses of one secret: a token signed for ``"reset-token"`` never
verifies as an ``"email-confirm"`` token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import typing as t
import zlib

__all__ = ["BadData", "BadSignature", "BadTimeSignature", "Signer"]

_SEP = b"."
_COMPACT = (",", ":")
# A compressed payload may not inflate past this: the signature has verified, but a
# cheap token must not turn into an expensive allocation all the same.
_MAX_INFLATED = 16 * 1024 * 1024


class BadSignature(Exception):  # noqa: N818 - the spec's (and itsdangerous's) name
    """The token's signature did not verify against the configured secret(s).

    Also raised for a token too malformed to carry a signature at all.
    """


class BadData(BadSignature):
    """The signature verified but the payload could not be decoded (base64 / JSON)."""


class BadTimeSignature(BadSignature):
    """The signature verified but the token is too old for ``max_age``.

    Also raised when ``max_age`` is given and the token is dated in the future.
    """


def _b64encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _b64decode(data: bytes) -> bytes:
    # Strict alphabet: a stray character must fail, not be skipped.
    return base64.b64decode(data + b"=" * (-len(data) % 4), altchars=b"-_", validate=True)


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


class Signer:
    """HMAC-SHA256 signer for JSON-serialisable values, with an optional age limit.

    Usage::

        s = Signer(secret="server-secret", salt="reset-token")
        token = s.dumps({"user_id": 42})
        data = s.loads(token, max_age=3600)  # raises if older than 1h

    Args:
        secret: The signing secret; keep it long, random and private.
        salt: Namespace for this use of the secret.
        fallback_secrets: Older secrets still accepted for verification.

    Raises:
        ValueError: the secret is empty.
    """

    __slots__ = ("salt", "_keys")

    def __init__(
        self,
        secret: str | bytes,
        salt: str | bytes = "veloce.signer",
        *,
        fallback_secrets: t.Iterable[str | bytes] = (),
    ) -> None:
        if not secret:
            raise ValueError("Signer needs a non-empty secret.")
        self.salt = _as_bytes(salt)
        self._keys: list[bytes] = [self._derive(secret)]
        for old in fallback_secrets:
            self.add_fallback_secret(old)

    def _derive(self, secret: str | bytes) -> bytes:
        return hmac.new(_as_bytes(secret), self.salt, hashlib.sha256).digest()

    def add_fallback_secret(self, secret: str | bytes) -> None:
        """Add an additional secret accepted for verification (not signing).

        Used during secret rotation: configure the new secret as primary, keep the old
        one as a fallback for the rotation window. Tokens signed with the fallback
        still verify; new tokens use the primary.

        Raises:
            ValueError: the secret is empty.
        """
        if not secret:
            raise ValueError("A fallback secret must not be empty.")
        self._keys.append(self._derive(secret))

    def dumps(self, data: t.Any) -> str:
        """Sign ``data`` (anything :func:`json.dumps` accepts) into a URL-safe token.

        Raises:
            TypeError: ``data`` is not JSON-serialisable.
        """
        raw = json.dumps(data, separators=_COMPACT, ensure_ascii=False).encode("utf-8")
        packed = zlib.compress(raw)
        # Compress only when it pays, exactly as itsdangerous decides.
        payload = _SEP + _b64encode(packed) if len(packed) < len(raw) - 1 else _b64encode(raw)
        now = int(time.time())
        signed = payload + _SEP + _b64encode(now.to_bytes((now.bit_length() + 7) // 8, "big"))
        mac = hmac.new(self._keys[0], signed, hashlib.sha256).digest()
        return (signed + _SEP + _b64encode(mac)).decode("ascii")

    def loads(self, token: str | bytes, max_age: int | float | None = None) -> t.Any:
        """Verify ``token`` and return the original data.

        Args:
            token: A token from :meth:`dumps` (or a compatible itsdangerous token).
            max_age: Reject tokens signed more than this many seconds ago.

        Raises:
            BadSignature: the token was tampered with, is malformed or was signed with
                an unknown secret.
            BadTimeSignature: ``max_age`` is set and the token is older than that.
            BadData: the signature verified but the payload does not decode.
        """
        signed, timestamp = self._verify(token)
        if max_age is not None:
            age = time.time() - timestamp
            if age > max_age:
                raise BadTimeSignature(f"Signature age {age:.0f} > {max_age} seconds")
            if age < 0:
                raise BadTimeSignature("Signature timestamp is in the future")
        payload = signed[: signed.rindex(_SEP)]
        try:
            raw = self._unpack(payload)
            return json.loads(raw)
        except (ValueError, zlib.error) as exc:
            raise BadData("The token's payload could not be decoded.") from exc

    def _verify(self, token: str | bytes) -> tuple[bytes, int]:
        """The signed part of ``token`` and its timestamp, once the signature holds."""
        try:
            raw = token.encode("ascii") if isinstance(token, str) else bytes(token)
        except (UnicodeEncodeError, TypeError):
            raise BadSignature("The token is not ASCII.") from None
        signed, sep, sig_b64 = raw.rpartition(_SEP)
        if not sep or _SEP not in signed:
            raise BadSignature("The token has no signature or timestamp.")
        try:
            sig = _b64decode(sig_b64)
        except (binascii.Error, ValueError):
            raise BadSignature("The signature is not valid base64.") from None
        for key in self._keys:
            if hmac.compare_digest(hmac.new(key, signed, hashlib.sha256).digest(), sig):
                break
        else:
            raise BadSignature("Signature does not match.")
        try:
            ts_bytes = _b64decode(signed[signed.rindex(_SEP) + 1 :])
        except (binascii.Error, ValueError):
            raise BadData("The token's timestamp is malformed.") from None
        if not ts_bytes or len(ts_bytes) > 8:
            raise BadData("The token's timestamp is malformed.")
        return signed, int.from_bytes(ts_bytes, "big")

    @staticmethod
    def _unpack(payload: bytes) -> bytes:
        if payload.startswith(_SEP):
            inflater = zlib.decompressobj()
            raw = inflater.decompress(_b64decode(payload[1:]), _MAX_INFLATED)
            if inflater.unconsumed_tail:
                raise ValueError("The compressed payload is too large.")
            return raw
        return _b64decode(payload)
