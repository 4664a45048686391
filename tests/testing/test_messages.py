"""russian_messages: realistic, on topic, and carrying the keyword when asked."""

from __future__ import annotations

import re

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument
from supportkit.testing import strategies as sk

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


@given(sk.russian_messages())
def test_messages_are_russian_sentences(message: str) -> None:
    assert CYRILLIC.search(message)
    assert message == message.strip()
    assert "  " not in message
    assert message[-1] in ".!?"


@settings(max_examples=50)
@given(
    st.sampled_from(["выплата", "деньги не пришли", "BЫПЛАТА", "Мой налог"]).flatmap(
        lambda kw: st.tuples(st.just(kw), sk.russian_messages(keyword=kw))
    )
)
def test_keyword_is_carried_as_a_whole_phrase(pair: tuple[str, str]) -> None:
    keyword, message = pair
    assert re.search(rf"(?<!\w){re.escape(keyword)}(?!\w)", message)


@given(
    st.sampled_from(sorted(sk.TOPICS)).flatmap(
        lambda t: st.tuples(st.just(t), sk.russian_messages(topics=[t], max_sentences=1))
    )
)
def test_a_one_sentence_message_stays_on_its_topic(pair: tuple[str, str]) -> None:
    topic, message = pair
    assert any(sentence in message for sentence in sk.TOPICS[topic])


def test_topics_cover_the_domain() -> None:
    assert set(sk.TOPICS) == {
        "payouts", "acts", "receipts", "self_employed", "my_tax",
        "registration", "password", "white_screen", "interest", "passport",
    }  # fmt: skip


def test_messages_shrink_to_one_sentence() -> None:
    assert find(sk.russian_messages(), lambda m: True) == sk.TOPICS["payouts"][0]
    assert find(sk.russian_messages(keyword="акт"), lambda m: True).count(".") <= 2


@given(sk.russian_messages(min_sentences=2, max_sentences=4))
def test_sentence_bounds(message: str) -> None:
    found = sum(message.count(s) for topic in sk.TOPICS.values() for s in topic)
    assert 2 <= found <= 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"keyword": ""}, "keyword must be a non-empty string"),
        ({"keyword": 5}, "keyword must be a non-empty string"),
        ({"topics": ["weather"]}, "'weather', which is not one of"),
        ({"topics": "payouts"}, "topics must be a non-empty list"),
        ({"min_sentences": 0}, "min_sentences must be an int of at least 1"),
        ({"min_sentences": 3, "max_sentences": 2}, "max_sentences=2 < min_sentences=3"),
        ({"topics": ["password"], "min_sentences": 4, "max_sentences": 5}, "only 3 different"),
    ],
)
def test_bad_options(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        sk.russian_messages(**kwargs)  # type: ignore[arg-type]
