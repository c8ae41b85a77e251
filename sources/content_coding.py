"""Undoing a response's ``Content-Encoding`` with a bound on what comes out.

``sources/fetch.py`` keeps a page's bytes as they came over the wire (the
archive must hold them so) and decodes them here for reading. A few
kilobytes of gzip can inflate to gigabytes, so the decoded size is capped as
it is produced: zlib is never asked for more than one byte past the cap.

Only the codings zlib undoes are read (``gzip``, ``deflate``); the fetcher
asks for no other (``ACCEPT_ENCODING``).
"""

import zlib

ACCEPT_ENCODING = "gzip, deflate"

_GZIP = 16 + zlib.MAX_WBITS  # zlib's window bits for a gzip header and trailer
_ZLIB = zlib.MAX_WBITS
_RAW_DEFLATE = -zlib.MAX_WBITS  # what some servers send as "deflate"


class TooLarge(Exception):
    """The decoded body would pass the cap."""


class CannotDecode(Exception):
    """The coding is unknown to us, or the bytes are not in it."""


class CappedDecoder:
    """Feed it the body's bytes as they arrive; it returns them decoded,
    and raises ``TooLarge`` before holding more than ``limit`` decoded bytes."""

    def __init__(self, content_encoding: str, limit: int):
        coding = content_encoding.strip().lower()
        if coding in ("", "identity"):
            self._wbits = None
        elif coding in ("gzip", "x-gzip"):
            self._wbits = _GZIP
        elif coding == "deflate":
            self._wbits = _ZLIB
        else:
            raise CannotDecode(f"The page is sent in the {content_encoding!r} coding, which is not read here.")
        self._zlib = zlib.decompressobj(self._wbits) if self._wbits else None
        self._started = False
        self._limit = limit
        self._size = 0

    @property
    def passes_through(self) -> bool:
        """Whether the body is not coded, so that what comes out is what went in."""
        return self._zlib is None

    def feed(self, data: bytes) -> bytes:
        if self._zlib is None:
            return self._counted(data)
        try:
            decoded = self._zlib.decompress(data, self._limit - self._size + 1)
        except zlib.error as exc:
            if self._wbits == _ZLIB and not self._started:
                # "deflate" without zlib's header: start again as raw deflate.
                self._wbits, self._zlib = _RAW_DEFLATE, zlib.decompressobj(_RAW_DEFLATE)
                return self.feed(data)
            raise CannotDecode(f"The page is not valid {self._coding_name()}: {exc}") from None
        self._started = True
        return self._counted(decoded)

    def finish(self) -> bytes:
        """What is left once the last bytes are in."""
        if self._zlib is None:
            return b""
        try:
            return self._counted(self._zlib.flush())
        except zlib.error as exc:
            raise CannotDecode(f"The page is not valid {self._coding_name()}: {exc}") from None

    def _counted(self, decoded: bytes) -> bytes:
        self._size += len(decoded)
        if self._size > self._limit:
            raise TooLarge
        return decoded

    def _coding_name(self):
        return "gzip" if self._wbits == _GZIP else "deflate"
