"""supportkit.metrics."""

__all__: list[str] = []
