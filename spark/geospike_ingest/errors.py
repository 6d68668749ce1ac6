"""Errors that end a run, with the sysexits codes geospike's executables use.

Mirrors Sources/GeoSpikeIngest/GeoSpikeError.swift: every message names what was wrong
and where (file and line when there is one) and what to do about it.
"""

USAGE = 64
BAD_DATA = 65
NO_INPUT = 66
IO_ERROR = 74


class GeoSpikeError(Exception):
    """A run-ending error carrying its exit code (64 usage, 65 bad data, 66 no input, 74 I/O)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    @classmethod
    def bad_data(cls, file, line, message):
        """A malformed-data error located at `file:line`."""
        return cls(BAD_DATA, f"{file}:{line}: {message}")

    def to_record(self):
        """The error as plain data, so an executor can hand it to the driver intact."""
        return {"code": self.code, "message": self.message}
