"""Text the database can store.

PostgreSQL refuses the NUL character in `text` and in `jsonb`; a NUL that reaches a query
is a database error (a 500) instead of the 422 it deserves. Free-text inputs (body fields,
query filters, path tokens) carry this pattern, so the refusal is validation, and the
OpenAPI schema says so.
"""

from __future__ import annotations

from typing import Final

NO_NUL: Final = r"^[^\x00]*$"
