"""Lines of a plain or gzip file held in memory, as Sources/GeoSpikeIngest/LineReader.swift reads them.

zlib reads gzip by its magic bytes, not by the file name, and concatenated members as
one stream; a stream cut short or corrupt is an error (exit 65), not silent loss.
Lines end at `\\n`, one trailing `\\r` is dropped, and a last line without `\\n` counts.
Decompression is incremental, so memory holds the compressed file and one chunk.
"""

import zlib

from .errors import BAD_DATA, GeoSpikeError

CHUNK_SIZE = 1 << 20
MAXIMUM_LINE_LENGTH = 64 << 20
_GZIP_MAGIC = b"\x1f\x8b"


def _gunzip(data, name):
    view = memoryview(data)
    decompressor = zlib.decompressobj(31)
    pending = view
    while True:
        try:
            out = decompressor.decompress(pending, CHUNK_SIZE)
        except zlib.error as error:
            raise GeoSpikeError(
                BAD_DATA, f"{name} is a corrupt gzip file ({error}); check the file or pass it uncompressed") from None
        if out:
            yield out
        if decompressor.eof:
            rest = decompressor.unused_data
            if rest[:2] == _GZIP_MAGIC:
                decompressor = zlib.decompressobj(31)
                pending = rest
                continue
            # zlib ignores whatever follows the last gzip member.
            return
        pending = decompressor.unconsumed_tail
        if not pending and not out:
            raise GeoSpikeError(
                BAD_DATA, f"{name} is a truncated gzip file (unexpected end of file); copy it again or pass the complete file")


def decompressed_chunks(data, name):
    """The file's text in chunks of at most CHUNK_SIZE bytes."""
    if data[:2] == _GZIP_MAGIC:
        yield from _gunzip(data, name)
        return
    for start in range(0, len(data), CHUNK_SIZE):
        yield bytes(data[start:start + CHUNK_SIZE])


class LineReader:
    """A file's head (its first CHUNK_SIZE bytes, for detection) and its numbered lines."""

    def __init__(self, data, name):
        self.name = name
        self._chunks = decompressed_chunks(data, name)
        head = bytearray()
        self._buffered = []
        for chunk in self._chunks:
            self._buffered.append(chunk)
            head += chunk
            if len(head) >= CHUNK_SIZE:
                break
        self.head = bytes(head[:CHUNK_SIZE])

    def lines(self):
        """Yields `(line, number)` with 1-based numbers, without `\\n` or a trailing `\\r`."""
        number = 0
        partial = b""

        def chunks():
            yield from self._buffered
            yield from self._chunks

        for chunk in chunks():
            pieces = (partial + chunk).split(b"\n")
            partial = pieces.pop()
            for line in pieces:
                number += 1
                yield (line[:-1] if line[-1:] == b"\r" else line), number
            if len(partial) >= MAXIMUM_LINE_LENGTH:
                raise GeoSpikeError.bad_data(
                    self.name, number + 1,
                    f"a line longer than {MAXIMUM_LINE_LENGTH >> 20} MiB; is this a text log with one record a line?")
        if partial:
            number += 1
            yield (partial[:-1] if partial[-1:] == b"\r" else partial), number
