"""supportkit.sources: tickets straight from helpdesk exports, and results to DataFrames.

Owns reading: supportkit's own JSONL/CSV, and the public REST API responses of
Zendesk, Freshdesk, Chatwoot, Help Scout and Usedesk, mapped onto the
:class:`~supportkit.Ticket` vocabulary (statuses, authors, notes, channels, ratings),
with whatever has no place there kept in ``ticket.fields``. Needs only the shared
ticket type below it; every block above takes what it yields. :func:`to_pandas`
turns tickets and the blocks' results into pandas DataFrames.
"""

from __future__ import annotations

from supportkit._frames import to_pandas
from supportkit.sources._api import NAMES, detect, from_records, read

__all__ = ["NAMES", "detect", "from_records", "read", "to_pandas"]
