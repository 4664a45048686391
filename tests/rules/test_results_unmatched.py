"""The engine's cheap no-match Evaluation is the same value as the constructor's."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from supportkit.rules import _results
from supportkit.rules._results import Evaluation, unmatched


def _same(fast: Evaluation, slow: Evaluation) -> None:
    assert fast == slow
    assert hash(fast) == hash(slow)
    assert fast.to_dict() == slow.to_dict()
    assert repr(fast) == repr(slow)
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert fast._repr_html_() == slow._repr_html_()
    for field in _results.attrs.fields(Evaluation):
        assert getattr(fast, field.name) == getattr(slow, field.name), field.name


@given(
    st.one_of(st.none(), st.text(max_size=8)),
    st.one_of(st.none(), st.dictionaries(st.sampled_from(["subject", "body"]), st.text())),
)
def test_unmatched_equals_the_constructor(
    ticket_id: str | None, texts: dict[str, str] | None
) -> None:
    fast = unmatched(ticket_id, texts)
    _same(fast, Evaluation(ticket_id=ticket_id, texts=texts))
    assert not fast.fired
    assert fast.matched == ()
    assert dict(fast.set) == {}
    assert dict(fast.evidence) == {}
    assert fast.overridden == ()


def test_an_int_id_takes_the_checked_path() -> None:
    # Ticket(id=5) keeps its int id: the full constructor accepts and checks it.
    _same(unmatched(5, None), Evaluation(ticket_id=5))


def test_the_shared_default_set_is_not_copied_and_read_only() -> None:
    one, two = Evaluation(ticket_id="a"), unmatched("b", None)
    assert one.set is two.set
    assert dict(Evaluation(ticket_id="c", set={"x": 1}).set) == {"x": 1}


class _Text(str):
    pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "б", _Text("c"), 1, None, b"x"]), max_size=6))
def test_the_quick_check_takes_exact_strings_only(values: list[object]) -> None:
    from supportkit.rules._results import _all_str

    assert _all_str(tuple(values)) == all(type(v) is str for v in values)
