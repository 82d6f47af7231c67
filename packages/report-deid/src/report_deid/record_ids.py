"""Record ids in logs and error tables: a salted hash, because an id can itself hold PHI (an MRN, a name).

:class:`RecordIds` draws a random salt when created and names a record ``#<position> id:<hash>``, where the
hash is the first 12 hex digits of BLAKE2b(salt + id). The salt and the hash-to-id mapping stay in memory
(:meth:`RecordIds.lookup`), so the person running the job can find a record again while the job runs, while
the files written never reveal the id.
"""

from __future__ import annotations

import hashlib
import secrets

HASH_DIGITS = 12


class RecordIds:
    """Salted hashes of record ids, with the mapping kept in memory only."""

    def __init__(self, salt: bytes | None = None) -> None:
        self._salt = salt if salt is not None else secrets.token_bytes(16)
        self._mapping: dict[str, str] = {}

    def hashed(self, ident: object) -> str:
        """``id:`` and the salted hash of ``str(ident)``."""
        digest = hashlib.blake2b(str(ident).encode("utf-8"), key=self._salt, digest_size=16)
        label = f"id:{digest.hexdigest()[:HASH_DIGITS]}"
        self._mapping[label] = str(ident)
        return label

    def label(self, ident: object, position: int) -> str:
        """``#<position>`` (0-based), plus the hashed id when the record has one."""
        return f"#{position}" if ident is None else f"#{position} {self.hashed(ident)}"

    def lookup(self, label: str) -> str | None:
        """The id behind a hashed ``label`` seen in this process (``None`` if unknown)."""
        return self._mapping.get(label)
