"""``werkzeug.security``: password hashes in Werkzeug's exact format, and ``safe_join``."""

from veloce.core.filenames import safe_join as safe_join
from veloce.security.passwords import _SALT_CHARS, _WERKZEUG_PBKDF2_ITERATIONS
from veloce.security.passwords import check_password_hash as check_password_hash
from veloce.security.passwords import gen_salt as gen_salt
from veloce.security.passwords import generate_password_hash as generate_password_hash

__all__ = [
    "DEFAULT_PBKDF2_ITERATIONS",
    "SALT_CHARS",
    "check_password_hash",
    "gen_salt",
    "generate_password_hash",
    "safe_join",
]

#: The characters :func:`gen_salt` draws from.
SALT_CHARS = _SALT_CHARS
#: Iterations of a ``pbkdf2`` hash whose method string does not give a count.
DEFAULT_PBKDF2_ITERATIONS = _WERKZEUG_PBKDF2_ITERATIONS
