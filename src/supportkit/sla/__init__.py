"""supportkit.sla."""

__all__: list[str] = []
