"""Realistic Russian support messages from a small built-in vocabulary of the domain.

The sentences are written in the customers' voice for the topics of a contractor
platform's helpdesk (payouts, acts, receipts, self-employed status, "Мой налог",
registration, passwords, the white screen, interest, passport data). A message can
carry a known keyword, so a test knows what a correct rule must find (an oracle).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from hypothesis import strategies as st

from supportkit.exceptions import InvalidArgument

__all__ = ["TOPICS", "russian_messages"]

#: Topic (the tag a helpdesk would put on it) → sentences a customer writes about it.
TOPICS: Final[Mapping[str, tuple[str, ...]]] = {
    "payouts": (
        "Где моя выплата?",
        "Деньги не пришли на карту.",
        "Акты подписаны три дня назад, а оплаты до сих пор нет.",
        "Сколько рабочих дней идет выплата?",
        "Компания говорит, что перевод отправлен, а у меня ничего нет.",
        "Пришла только половина суммы, остальное где?",
    ),
    "acts": (
        "Не могу подписать акт.",
        "Акт за прошлую неделю не появился в личном кабинете.",
        "Подписал акт с ошибкой, как его исправить?",
        "Код для подписи акта не приходит.",
    ),
    "receipts": (
        "Чек аннулирован, а я его не отменяла.",
        "Как сформировать чек за выплату?",
        "Пишет, что чек не найден.",
        "Нужно ли отправлять чек вам или он передается сам?",
    ),
    "self_employed": (
        "Как стать самозанятым?",
        "Статус самозанятого не подтверждается.",
        "Я уже самозанятый, но система этого не видит.",
        "Сняли с учета как самозанятого, что теперь делать?",
    ),
    "my_tax": (
        "Не могу дать разрешения в приложении Мой налог.",
        "В Мой налог нет вашей компании в списке партнеров.",
        "Приложение Мой налог пишет ошибку при входе.",
        "Где в Мой налог найти запрос на подключение?",
    ),
    "registration": (
        "Не могу зарегистрироваться по ссылке из приглашения.",
        "Ссылка на регистрацию не открывается.",
        "Заполнил анкету, но кнопка отправить не работает.",
        "Мне не пришло приглашение от компании.",
    ),
    "password": (
        "Забыл пароль от личного кабинета.",
        "Не приходит смс для восстановления пароля.",
        "Пароль не подходит, хотя я ввожу правильно.",
    ),
    "white_screen": (
        "В личном кабинете белый экран.",
        "После входа вместо кабинета пустая страница.",
        "Кабинет не грузится, висит белый экран уже второй день.",
    ),
    "interest": (
        "Почему начислены проценты, если я заплатил вовремя?",
        "Проценты по займу больше, чем в договоре.",
        "Прошу пересчитать проценты за просрочку.",
    ),
    "passport": (
        "Сменил паспорт, как обновить данные?",
        "Паспорт не распознается по фото.",
        "В анкете неправильно указан номер паспорта.",
    ),
}

_GREETINGS: Final = ("", "Здравствуйте!", "Добрый день.", "Привет.", "Добрый вечер!")
_CLOSINGS: Final = ("", "Спасибо.", "Помогите, пожалуйста!", "Жду ответа.", "Заранее спасибо!")
# Each carries the keyword between a space and a space or punctuation.
_CARRIERS: Final = (
    "Тема: {kw}.",
    "Пишу по поводу: {kw}.",
    "{kw} — что делать?",
    "У меня вопрос, {kw}, подскажите.",
    "Опять {kw}!",
)


def russian_messages(
    *,
    keyword: str | None = None,
    topics: Sequence[str] | None = None,
    min_sentences: int = 1,
    max_sentences: int = 3,
) -> st.SearchStrategy[str]:
    """Draw a support message in Russian, shrinking toward one short sentence.

    Args:
        keyword: When given, every message contains it as a whole word (or phrase),
            exactly as written, so an oracle-style test knows a rule must find it.
        topics: Topic names from :data:`TOPICS` to draw from (all by default).
        min_sentences: Fewest different topic sentences (a greeting and a closing may
            be added; a long message drifts to the other topics).
        max_sentences: Most topic sentences.

    Raises:
        InvalidArgument: an unknown topic, an empty or non-string keyword, or
            ``max_sentences < min_sentences``.

    >>> from supportkit.testing.strategies import russian_messages
    >>> "выплата" in russian_messages(keyword="выплата").example()
    True
    """
    if keyword is not None and (not isinstance(keyword, str) or not keyword.strip()):
        raise InvalidArgument(
            f"keyword must be a non-empty string or None (got {keyword!r}).",
            field="keyword",
            value=keyword,
        )
    if topics is None:
        chosen = tuple(TOPICS)
    else:
        if isinstance(topics, str) or not topics:
            raise InvalidArgument(
                f"topics must be a non-empty list of topic names (got {topics!r}).",
                field="topics",
                value=topics,
            )
        for topic in topics:
            if topic not in TOPICS:
                raise InvalidArgument(
                    f"topics has {topic!r}, which is not one of {sorted(TOPICS)}.",
                    field="topics",
                    value=topic,
                )
        chosen = tuple(topics)
    if not isinstance(min_sentences, int) or min_sentences < 1:
        raise InvalidArgument(
            f"min_sentences must be an int of at least 1 (got {min_sentences!r}).",
            field="min_sentences",
            value=min_sentences,
        )
    if not isinstance(max_sentences, int) or max_sentences < min_sentences:
        raise InvalidArgument(
            f"Cannot have max_sentences={max_sentences!r} < min_sentences={min_sentences!r}.",
            field="max_sentences",
            value=max_sentences,
        )
    available = len({s for t in chosen for s in TOPICS[t]})
    if min_sentences > available:
        raise InvalidArgument(
            f"Cannot have min_sentences={min_sentences!r}: the topics {list(chosen)} have "
            f"only {available} different sentences.",
            field="min_sentences",
            value=min_sentences,
        )
    kw = None if keyword is None else keyword.strip()

    @st.composite
    def _draw(draw: st.DrawFn) -> str:
        topic = draw(st.sampled_from(chosen))
        # The topic's own sentences first; a long message drifts to the other topics.
        pool = TOPICS[topic] + tuple(
            s for t in chosen if t != topic for s in TOPICS[t] if s not in TOPICS[topic]
        )
        sentences = draw(
            st.lists(
                st.sampled_from(pool), min_size=min_sentences, max_size=max_sentences, unique=True
            )
        )
        if kw is not None:
            carrier = draw(st.sampled_from(_CARRIERS)).format(kw=kw)
            where = draw(st.integers(0, len(sentences)))
            sentences.insert(where, carrier)
        greeting = draw(st.sampled_from(_GREETINGS))
        closing = draw(st.sampled_from(_CLOSINGS))
        return " ".join(part for part in (greeting, *sentences, closing) if part)

    return _draw()
