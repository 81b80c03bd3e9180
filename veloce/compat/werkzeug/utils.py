"""``werkzeug.utils``: ``secure_filename``, ``redirect``, ``import_string``."""

from veloce.core.filenames import secure_filename as secure_filename
from veloce.core.response import redirect as redirect
from veloce.utils import ImportStringError as ImportStringError
from veloce.utils import import_string as import_string

__all__ = ["ImportStringError", "import_string", "redirect", "secure_filename"]
