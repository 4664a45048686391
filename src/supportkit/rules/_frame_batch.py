"""The rules batch function: a DataFrame of tickets in, a DataFrame of evaluations out.

For Dask ``map_partitions`` (``meta=batch.meta()``) and Spark ``mapInPandas``
(``schema=batch.spark_schema()``). The column schema and the reading of rows as
tickets are shared with the other blocks' batch functions (``supportkit.sla``).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Iterator
from typing import Any, Final

import attrs

from supportkit._time import to_aware
from supportkit.exceptions import InvalidArgument
from supportkit.rules._engine import RuleSet
from supportkit.rules._results import Evaluation
from supportkit.sla._frame_batch import (
    FrameSchema,
    check_frame,
    frame_records,
    output_index,
    read_ticket,
)

__all__ = ["RULE_COLUMNS", "RuleBatch"]

#: Output columns of :class:`RuleBatch` (``evidence`` is added with ``evidence=True``).
RULE_COLUMNS: Final = (
    ("ticket_id", "string"),
    ("matched", "strings"),
    ("tags", "strings"),
    ("remove_tags", "strings"),
    ("reply", "string"),
    ("reply_template", "string"),
    ("assign", "string"),
    ("priority", "string"),
    ("escalate", "bool"),
    ("escalate_to", "string"),
    ("set", "string"),
    ("stopped_by", "string"),
    ("timeouts", "int64"),
)
_WITH_EVIDENCE: Final = FrameSchema((*RULE_COLUMNS, ("evidence", "string")))
_PLAIN: Final = FrameSchema(RULE_COLUMNS)


def _ruleset(value: Any) -> RuleSet:
    if not isinstance(value, RuleSet):
        raise InvalidArgument(
            f"ruleset must be a RuleSet (got {type(value).__name__}); build one with "
            "RuleSet.from_dicts(...) or RuleSet.from_json(path).",
            field="ruleset",
            value=value,
        )
    return value


def _at(value: Any) -> _dt.datetime | None:
    return None if value is None else to_aware(value, field="at")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@attrs.frozen(eq=False)
class RuleBatch:
    """The rules batch function: tickets in, one evaluation row per ticket out.

    Build it once with the rule set; call it on each batch (``batch(frame)``), or give
    :meth:`over` to Spark's ``mapInPandas``. Output columns (:attr:`schema`):
    ``ticket_id``, ``matched``, ``tags``, ``remove_tags`` (lists of str), ``reply``,
    ``reply_template``, ``assign``, ``priority``, ``escalate`` (bool),
    ``escalate_to`` (whom, when the rule names someone), ``set`` (JSON object of
    custom field values, or null), ``stopped_by``, ``timeouts`` (``/regex/`` phrases
    that ran out of time) and, with ``evidence=True``, ``evidence`` (JSON: rule id ->
    list of ``{"phrase", "field", "start", "end"}``). The output index is the input's.

    Args:
        ruleset: The :class:`~supportkit.rules.RuleSet`.
        evidence: Add the ``evidence`` column.
        at: The time for ``inside``/``outside`` conditions (default: each ticket's
            ``created_at``), as for :meth:`RuleSet.evaluate`.
        strict: ``False`` reads tickets leniently (unknown columns move into ``fields``).
    """

    ruleset: RuleSet = attrs.field(converter=_ruleset)
    evidence: bool = False
    at: _dt.datetime | None = attrs.field(default=None, converter=_at)
    strict: bool = True

    @property
    def schema(self) -> FrameSchema:
        """The output columns."""
        return _WITH_EVIDENCE if self.evidence else _PLAIN

    def meta(self) -> Any:
        """Dask's ``meta``: an empty frame of the output columns."""
        return self.schema.meta()

    def spark_schema(self) -> str:
        """Spark's ``mapInPandas`` schema (DDL)."""
        return self.schema.spark()

    def evaluations(self, frame: Any) -> Iterator[tuple[Any, Evaluation]]:
        """Yield ``(index label, Evaluation)`` per row, in row order."""
        check_frame(frame)
        evaluate = self.ruleset.evaluate
        for label, record in frame_records(frame):
            yield label, evaluate(read_ticket(label, record, strict=self.strict), at=self.at)

    def __call__(self, frame: Any) -> Any:
        """Evaluate a DataFrame of tickets; return the rows of :attr:`schema`."""
        schema = self.schema
        data: dict[str, list[Any]] = {name: [] for name in schema.names}
        index: list[Any] = []
        for label, ev in self.evaluations(frame):
            index.append(label)
            data["ticket_id"].append(ev.ticket_id)
            data["matched"].append(list(ev.matched))
            data["tags"].append(list(ev.tags))
            data["remove_tags"].append(list(ev.remove_tags))
            data["reply"].append(ev.reply)
            data["reply_template"].append(ev.reply_template)
            data["assign"].append(ev.assign)
            data["priority"].append(ev.priority)
            escalate = ev.escalate
            data["escalate"].append(escalate is not None and escalate is not False)
            data["escalate_to"].append(escalate if isinstance(escalate, str) else None)
            data["set"].append(_json(dict(ev.set)) if ev.set else None)
            data["stopped_by"].append(ev.stopped_by)
            data["timeouts"].append(len(ev.timeouts))
            if self.evidence:
                data["evidence"].append(_json(ev.to_dict()["evidence"]))
        return schema.frame(data, index=output_index(index, frame))

    def over(self, frames: Iterable[Any]) -> Iterator[Any]:
        """Map an iterator of DataFrames (the form Spark's ``mapInPandas`` calls)."""
        for frame in frames:
            yield self(frame)
