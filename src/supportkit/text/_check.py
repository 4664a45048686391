"""The one argument check every text function shares (the bottom of ``supportkit.text``)."""

from __future__ import annotations

from supportkit.exceptions import InvalidArgument

__all__ = ["check_text"]


def check_text(text: object, name: str = "text") -> str:
    """Return ``text`` if it is a ``str``, else raise :class:`InvalidArgument` naming ``name``."""
    if isinstance(text, str):
        return text
    msg = (
        f"{name!r} must be a str (got {text!r:.80} that is a {type(text).__name__}); "
        "pass the message text, decoded, as a string."
    )
    raise InvalidArgument(msg, field=name, value=text)
