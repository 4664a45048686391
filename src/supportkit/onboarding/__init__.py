"""supportkit.onboarding."""

__all__: list[str] = []
