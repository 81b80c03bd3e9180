"""``werkzeug.security``: password hashes in Werkzeug's exact format, and ``safe_join``."""

from veloce.core.filenames import safe_join as safe_join
from veloce.security.passwords import check_password_hash as check_password_hash
from veloce.security.passwords import gen_salt as gen_salt
from veloce.security.passwords import generate_password_hash as generate_password_hash

__all__ = ["check_password_hash", "gen_salt", "generate_password_hash", "safe_join"]
