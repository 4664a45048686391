"""supportkit.rules."""

__all__: list[str] = []
