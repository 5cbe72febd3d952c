"""The intake's one error, and the words for sizes its messages use."""

from __future__ import annotations

__all__ = ["IntakeError", "describe_size", "too_big"]


class IntakeError(Exception):
    """Bad input, refused: ``message`` is written for the curator."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def describe_size(size: int) -> str:
    """'20 MB', '31.2 MB', '512 KB', '900 bytes' (decimal units, as file managers show)."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} byte" + ("" if size == 1 else "s")


def too_big(size: int, max_bytes: int, what: str = "The file") -> IntakeError:
    return IntakeError(f"{what} is {describe_size(size)}; the limit is {describe_size(max_bytes)}.")
