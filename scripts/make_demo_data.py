"""Generate supportkit's built-in sample tickets (``src/supportkit/data/demo_tickets.jsonl``).

The tickets are synthetic but shaped after the support articles in the project's
seed material: a contractor platform and a micro-lender answering Russian-speaking
customers by e-mail, chat and messenger. Six weeks, 2024-10-07 .. 2024-11-17, so the
data spans the 4 November 2024 public holiday and the working Saturday 2 November.

Customers write the way real customers do, and nothing in a ticket says so: Latin
look-alike letters inside Cyrillic words, text typed on the wrong keyboard layout,
typos, CAPS LOCK, soft hyphens and zero-width spaces pasted from documents, ``ё``
written as ``е``. Finding that is the library's job.

The output is byte-identical for the same seed (standard library only, one
``random.Random``)::

    python scripts/make_demo_data.py                  # writes the shipped file
    python scripts/make_demo_data.py -o /tmp/x.jsonl --seed 7 --stats
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

SEED = 20241007
START = dt.date(2024, 10, 7)
DAYS = 42  # through Sunday 2024-11-17
#: Export time: events after it do not exist yet, so late tickets are still open.
EXPORT_AT = dt.datetime(2024, 11, 18, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
OUTPUT = Path(__file__).resolve().parents[1] / "src" / "supportkit" / "data" / "demo_tickets.jsonl"

MSK = dt.timezone(dt.timedelta(hours=3))
HOLIDAYS = {dt.date(2024, 11, 4)}
WORKING_SATURDAYS = {dt.date(2024, 11, 2)}
#: Unannounced peaks: (day, topic, extra tickets, first hour, last hour) in Moscow time.
INCIDENTS = (
    (dt.date(2024, 10, 21), "payouts", 28, 9, 19),
    (dt.date(2024, 10, 29), "white_screen", 14, 10, 15),
    (dt.date(2024, 11, 11), "acts", 12, 9, 18),
)

# --------------------------------------------------------------------------- people

MALE = (
    "Александр", "Алексей", "Андрей", "Артём", "Владимир", "Дмитрий", "Евгений", "Иван",
    "Игорь", "Кирилл", "Максим", "Михаил", "Никита", "Николай", "Олег", "Павел", "Роман",
    "Сергей", "Денис", "Руслан", "Тимур", "Азамат", "Ержан", "Фёдор", "Степан",
)  # fmt: skip
FEMALE = (
    "Анна", "Алина", "Анастасия", "Валентина", "Дарья", "Екатерина", "Елена", "Ирина",
    "Ксения", "Людмила", "Марина", "Мария", "Наталья", "Ольга", "Светлана", "Татьяна",
    "Юлия", "Айгуль", "Динара", "Алёна", "Полина", "Вера",
)  # fmt: skip
SURNAME_INITIALS = "АБВГДЕЗИКЛМНОПРСТФХЧШЮЯ"
AGENTS = (
    "Ольга С.", "Дмитрий К.", "Марина П.", "Кирилл Н.", "Алина Д.", "Сергей В.",
    "Екатерина Л.", "Иван М.", "Наталья Р.", "Тимур А.", "Светлана Б.", "Павел Ж.",
)  # fmt: skip
#: Country: weight, UTC offset(s) in hours (Madrid switches from CEST to CET on 27 Oct).
COUNTRIES = (("RU", 86), ("KZ", 8), ("ES", 3), ("MX", 3))
MADRID_DST_END = dt.datetime(2024, 10, 27, 1, 0, tzinfo=dt.timezone.utc)

# --------------------------------------------------------------------------- topics

MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
    "сентября", "октября", "ноября", "декабря",
)  # fmt: skip

# Placeholders: {a} feminine ending ("" / "а"), {sya} ("ся" / "ась"), {amount}, {amount2},
# {date}, {period}, {n}, {inn}, {card}, {app}, {agent}, {company}.
TOPICS: dict[str, dict[str, Sequence[str]]] = {
    "payouts": {
        "subject": (
            "Выплата не пришла",
            "Где деньги?",
            "Вопрос по выплате",
            "Не пришли деньги",
            "Не получил{a} оплату за {period}",
            "Выплата по акту от {date}",
            "Когда придут деньги?",
            "Задержка выплаты",
        ),
        "problem": (
            "Выплата не пришла.",
            "Деньги не пришли до сих пор.",
            "Когда придут деньги за {period}?",
            "Не получил{a} выплату за {period}.",
            "Акт подписан {date}, а выплаты всё ещё нет.",
            "В личном кабинете выплата в статусе «отправлено», а на карте пусто.",
            "Сколько ждать выплату? Прошло уже {n} дня.",
            "Где мои деньги за {period}?",
            "По заданию от {date} выплату так и не получил{a}.",
            "С выплатой ошибка: пришло {amount2} вместо {amount}.",
            "Компания говорит что деньги отправили {date}, а у меня ничего нет.",
            "Ещё не пришла выплата за прошлую неделю.",
        ),
        "detail": (
            "Сумма {amount}.",
            "Карта заканчивается на {card}.",
            "Мой ИНН {inn}.",
            "Заказчик {company}.",
            "Должно было прийти {amount}.",
            "Акты все подписаны, ошибок в реквизитах нет.",
        ),
        "ask": (
            "Подскажите, когда ждать?",
            "Проверьте пожалуйста.",
            "Когда придут деньги?",
            "Сколько рабочих дней идёт выплата?",
            "Что мне делать?",
            "Можно ускорить как-то?",
        ),
    },
    "acts": {
        "subject": (
            "Не могу подписать акт",
            "Акты",
            "Подписание актов",
            "Акт за {period}",
            "Ошибка при подписании акта",
            "Нужна копия акта",
        ),
        "problem": (
            "Не могу подписать акт.",
            "Акт не подписывается, кнопка серая.",
            "Пришло {n} актов, как подписать их все сразу?",
            "Подписал{a} акт, а статус не изменился.",
            "Где найти акт за {period}?",
            "Код из смс для подписания актов не приходит.",
            "Акт аннулирован, что теперь делать?",
            "Нужна копия акта для бухгалтерии.",
            "Актов нет в личном кабинете, хотя задание выполнено {date}.",
            "В акте неверная сумма {amount2}, должно быть {amount}.",
        ),
        "detail": (
            "Задание от {date}.",
            "Заказчик {company}.",
            "Задание на сумму {amount}.",
            "Пробовал{a} с телефона и с компьютера.",
            "Номер заявки {app}.",
        ),
        "ask": (
            "Помогите подписать.",
            "Что делать?",
            "Подскажите как быть.",
            "Без акта же выплаты не будет?",
            "Можно ли подписать пачку актов с телефона?",
        ),
    },
    "receipts": {
        "subject": (
            "Чек",
            "Не формируется чек",
            "Выгрузка чеков",
            "Чек аннулирован",
            "Чек по выплате от {date}",
        ),
        "problem": (
            "Не формируется чек.",
            "Чек аннулирован, а я его не отменял{a}.",
            "Как выгрузить чеки за {period}?",
            "Компания просит чек по выплате от {date}.",
            "Чека по выплате {amount} нет в приложении.",
            "Не знаю как сформировать чек, раньше это делалось автоматически.",
            "Чеки за {period} не передались заказчику.",
        ),
        "detail": (
            "Выплата {amount} от {date}.",
            "Мой ИНН {inn}.",
            "Заказчик {company}.",
            "Чек сформирован в приложении «Мой налог».",
        ),
        "ask": (
            "Подскажите пожалуйста.",
            "Как это исправить?",
            "Куда отправить чек?",
            "Нужно ли формировать чек самому?",
        ),
    },
    "self_employed": {
        "subject": (
            "Статус самозанятого",
            "Статус НПД",
            "Не подтверждается самозанятость",
            "Вопрос про самозанятость",
        ),
        "problem": (
            "Как получить статус самозанятого?",
            "Статус НПД не подтверждается.",
            "Пишет что я не самозанятый, хотя я зарегистрирован{a} в налоговой {date}.",
            "Сняли статус самозанятого, что будет с выплатами?",
            "Могу ли я быть самозанятым если работаю по трудовому договору?",
            "Проверка самозанятости не проходит уже {n} дня.",
            "Стал{a} самозанятым {date}, а у вас в профиле старый статус.",
        ),
        "detail": (
            "Мой ИНН {inn}.",
            "Заказчик {company}.",
            "Номер заявки {app}.",
            "Справку о постановке на учёт могу прислать.",
        ),
        "ask": (
            "Что нужно сделать?",
            "Подскажите пожалуйста.",
            "Объясните, как это работает.",
            "Проверьте ещё раз пожалуйста.",
        ),
    },
    "my_tax": {
        "subject": (
            "Мой налог",
            "Разрешения в «Мой налог»",
            "Не вижу запрос партнёра",
            "Приложение Мой налог",
        ),
        "problem": (
            "Как дать разрешения платформе в «Мой налог»?",
            "В приложении Мой налог нет запроса от партнёра.",
            "Не могу найти раздел Партнёры в Мой налог.",
            "Разрешения в мой налог дал{a}, а у вас статус не обновился.",
            "Мой налог пишет ошибку при подтверждении партнёра.",
            "В «Мой налог» платформа не отображается среди партнёров.",
        ),
        "detail": (
            "Мой ИНН {inn}.",
            "Обновил{a} приложение, не помогло.",
            "Номер заявки {app}.",
            "Телефон андроид.",
            "Айфон, последняя версия.",
        ),
        "ask": (
            "Что нажать?",
            "Подскажите пожалуйста по шагам.",
            "Помогите разобраться.",
            "Куда смотреть?",
        ),
    },
    "registration": {
        "subject": (
            "Регистрация",
            "Не могу зарегистрироваться",
            "Ссылка-приглашение не работает",
            "Проблема с регистрацией",
        ),
        "problem": (
            "Не могу зарегистрироваться.",
            "Регистрация ваша не работает, что делать?",
            "Ссылка-приглашение не открывается.",
            "Не приходит смс с кодом при регистрации.",
            "Анкета не сохраняется, на последнем шаге ошибка.",
            "Паспорт не распознаётся по фото, пробовал{a} {n} раза.",
            "Пришло приглашение от {company}, а регистрация не проходит.",
        ),
        "detail": (
            "Телефон андроид.",
            "Пробовал{a} в двух браузерах.",
            "Заказчик {company}.",
            "Ошибка «что-то пошло не так».",
            "Номер заявки {app}.",
        ),
        "ask": (
            "Помогите пожалуйста.",
            "Что делать?",
            "Как пройти регистрацию?",
            "Можно зарегистрировать меня вручную?",
        ),
    },
    "password": {
        "subject": ("Пароль", "Не могу войти", "Восстановление пароля", "Забыл{a} пароль"),
        "problem": (
            "Забыл{a} пароль.",
            "Не могу войти в личный кабинет.",
            "Пароль не подходит.",
            "Письмо для восстановления пароля не приходит на почту.",
            "Заблокировали вход после нескольких попыток ввода пароля.",
            "Сменил{a} номер телефона и не могу войти.",
        ),
        "detail": (
            "Логин мой телефон.",
            "В спаме письма тоже нет.",
            "Номер заявки {app}.",
            "Пробовал{a} {n} раза.",
        ),
        "ask": (
            "Помогите восстановить доступ.",
            "Как сбросить пароль?",
            "Что делать?",
            "Разблокируйте пожалуйста.",
        ),
    },
    "white_screen": {
        "subject": (
            "Белый экран",
            "Не открывается личный кабинет",
            "Личный кабинет не работает",
            "Белый экран в личном кабинете",
        ),
        "problem": (
            "У меня в личном кабинете белый экран, что мне делать?",
            "После входа белый экран.",
            "Личный кабинет не грузится, просто белая страница.",
            "В приложении белый экран с утра.",
            "Не работает кнопка, потом белый экран.",
            "Захожу в личный кабинет а там белый экран и всё.",
        ),
        "detail": (
            "Браузер хром.",
            "Кэш чистил{a}, не помогло.",
            "Телефон андроид.",
            "С компьютера то же самое.",
            "Айфон, сафари.",
        ),
        "ask": ("Что делать?", "Когда почините?", "Помогите.", "Это у всех так?"),
    },
    "interest": {
        "subject": (
            "Проценты",
            "Начисление процентов",
            "Почему такие проценты?",
            "Вопрос по займу",
            "Неверно начислены проценты",
        ),
        "problem": (
            "Почему мне начислили столько процентов?",
            "Проценты начислены неверно.",
            "Какая процентная ставка по моему займу?",
            "Хочу узнать сумму процентов к погашению на {date}.",
            "За {n} дня начислили {amount} процентов, это ошибка?",
            "Погасил{a} займ {date}, а проценты продолжают начисляться.",
        ),
        "detail": (
            "Договор {app}.",
            "Брал{a} {amount2}.",
            "Платёж внесён {date}.",
            "По калькулятору на сайте выходит меньше.",
        ),
        "ask": ("Объясните пожалуйста.", "Пересчитайте.", "Как так получилось?", "Жду расчёт."),
    },
    "passport": {
        "subject": (
            "Смена паспорта",
            "Изменение паспортных данных",
            "Новый паспорт",
            "Смена фамилии",
        ),
        "problem": (
            "Сменил{a} паспорт, как обновить данные?",
            "Нужно изменить паспортные данные в профиле.",
            "Поменял{a} паспорт в 45 лет, в личном кабинете старые данные.",
            "Как поменять паспортные данные? Загрузил{a} фото нового паспорта.",
            "Паспорт заменён, а выплаты идут на старые данные.",
        ),
        "detail": (
            "Новый паспорт выдан {date}.",
            "Номер заявки {app}.",
            "Селфи с паспортом могу прислать.",
            "Фото разворота прикладываю.",
        ),
        "ask": (
            "Что для этого нужно?",
            "Подскажите порядок.",
            "Помогите обновить.",
            "Сколько это займёт?",
        ),
    },
    "thanks": {
        "subject": ("Спасибо", "Благодарность", "Спасибо за помощь", "Всё получилось"),
        "problem": (
            "Спасибо большое, деньги пришли!",
            "Спасибо за помощь, всё получилось.",
            "Благодарю оператора {agent} за быструю помощь.",
            "Спасибо, разобрал{sya}.",
            "Выплата пришла, спасибо!",
            "Спасибо вам, акт подписал{a}.",
            "Огромное спасибо, очень быстро ответили.",
        ),
        "detail": ("Вы лучшие.", "Хорошего дня!", "Буду рекомендовать.", ""),
        "ask": ("", "Всего доброго.", "Удачи вам!"),
    },
}
TOPIC_WEIGHTS = (
    ("payouts", 24), ("acts", 12), ("receipts", 8), ("self_employed", 10), ("my_tax", 8),
    ("registration", 9), ("password", 8), ("white_screen", 5), ("interest", 7),
    ("passport", 4), ("thanks", 5),
)  # fmt: skip
FEMALE_ONLY = ("Вышла замуж, поменяла фамилию, весь паспорт новый, нужно всё поменять.",)
ANGRY = (
    "Сколько можно ждать?!", "Третий раз пишу и никакого ответа!", "Это безобразие!",
    "Буду жаловаться в ЦБ.", "Верните мои деньги!", "Ваша поддержка вообще работает?",
    "Вы издеваетесь?", "Вы что там все спите?!", "Какой-то цирк, а не сервис.",
    "Больше никогда с вами не свяжусь.", "Бардак!",
)  # fmt: skip
ANGRY_TOPICS = ("payouts", "payouts", "payouts", "acts", "interest", "registration",
                "white_screen", "receipts")  # fmt: skip
#: How often a topic's tickets end up answered by a rule or the bot alone (relative).
AUTOMATABLE = {
    "payouts": 1.2, "acts": 0.9, "receipts": 1.2, "self_employed": 1.0, "my_tax": 1.3,
    "registration": 0.9, "password": 1.5, "white_screen": 1.1, "interest": 0.6,
    "passport": 0.3, "thanks": 1.4,
}  # fmt: skip
GREETINGS = ("Здравствуйте!", "Добрый день.", "Здравствуйте.", "Добрый день!", "Привет.",
             "Доброго времени суток.")  # fmt: skip
CHAT_GREETINGS = ("Здравствуйте", "Добрый день", "Привет", "Алло", "Добрый")
#: E-mail writers explain themselves; a sentence of context, topic-neutral.
CONTEXT = (
    "Работаю через вашу платформу с {company} с сентября.",
    "Я самозанят{yi}, работаю курьером.",
    "Пишу уже не первый раз.",
    "В чате мне не ответили, поэтому пишу на почту.",
    "Вчера звонил{a} на горячую линию, сказали написать сюда.",
    "Раньше всё работало нормально.",
    "Скриншот прикладываю.",
    "Работаю по договору с {company}, задания выполняю каждую неделю.",
    "Извините если пишу не туда.",
)
CLOSINGS = ("Спасибо.", "Заранее спасибо!", "Жду ответа.", "Помогите пожалуйста.",
            "С уважением, {name}.", "Спасибо, {name}.")  # fmt: skip
COMPANIES = ("ООО «Вектор»", "Самокат", "ООО «Быстрая доставка»", "ИП Петров",
             "ООО «Ромашка»", "СберМаркет", "ООО «Клининг Плюс»")  # fmt: skip

# --------------------------------------------------------------------------- mess

HOMOGLYPHS = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X",
}  # fmt: skip
CYR_LAYOUT = 'йцукенгшщзхъфывапролджэячсмитьбю.ёЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ,Ё"№;:?'
LAT_LAYOUT = "qwertyuiop[]asdfghjkl;'zxcvbnm,./`QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>?~@#$^&"
TO_LATIN_LAYOUT = dict(zip(CYR_LAYOUT, LAT_LAYOUT, strict=True))
KEY_ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")
STEMS = ("выплат", "деньг", "акт", "чек", "самозанят", "налог", "парол", "регистрац",
         "экран", "кабинет", "процент", "паспорт", "спасибо", "статус", "приш")  # fmt: skip
SOFT_HYPHEN = "\u00ad"
ZERO_WIDTH_SPACE = "\u200b"


def _neighbour(rng: random.Random, ch: str) -> str:
    for row in KEY_ROWS:
        i = row.find(ch)
        if i >= 0:
            options = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            return rng.choice(options)
    return ch


def _words(text: str) -> list[tuple[int, int]]:
    """Spans of Cyrillic words in ``text``."""
    spans, start = [], -1
    for i, ch in enumerate([*text, " "]):
        cyr = "а" <= ch.lower() <= "я" or ch in "ёЁ"
        if cyr and start < 0:
            start = i
        elif not cyr and start >= 0:
            spans.append((start, i))
            start = -1
    return spans


def _pick_word(rng: random.Random, text: str, min_len: int) -> tuple[int, int] | None:
    spans = [s for s in _words(text) if s[1] - s[0] >= min_len]
    if not spans:
        return None
    keyed = [s for s in spans if any(text[s[0] : s[1]].lower().startswith(k) for k in STEMS)]
    return rng.choice(keyed if keyed and rng.random() < 0.75 else spans)


def add_typo(rng: random.Random, text: str) -> str:
    """Drop, swap, double or mistype one letter of one word."""
    span = _pick_word(rng, text, 5)
    if span is None:
        return text
    a, b = span
    word = text[a:b]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.35:
        new = word[:i] + word[i + 1 :]
    elif kind < 0.65:
        new = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    elif kind < 0.8:
        new = word[:i] + word[i] + word[i:]
    else:
        new = word[:i] + _neighbour(rng, word[i]) + word[i + 1 :]
    return text[:a] + new + text[b:]


def add_homoglyphs(rng: random.Random, text: str) -> str:
    """Swap one or two letters of a word for Latin look-alikes (or ``о`` for a zero)."""
    for _ in range(1 if rng.random() < 0.8 else 2):
        span = _pick_word(rng, text, 3)
        if span is None:
            return text
        a, b = span
        word = text[a:b]
        slots = [i for i, ch in enumerate(word) if ch in HOMOGLYPHS]
        if word[0] not in HOMOGLYPHS and word[0].upper() in HOMOGLYPHS:
            slots.append(0)
        if not slots:
            continue
        i = rng.choice(slots)
        if word[i] in "оО" and rng.random() < 0.2:
            repl = "0"
        elif i == 0 and (word[0] not in HOMOGLYPHS or rng.random() < 0.3):
            word = word.upper()  # «BЫПЛАТА»: a shouted word starting with a Latin letter
            repl = HOMOGLYPHS[word[0]]
        else:
            repl = HOMOGLYPHS[word[i]]
        text = text[:a] + word[:i] + repl + word[i + 1 :] + text[b:]
    return text


def wrong_layout(rng: random.Random, text: str) -> str:
    """Retype the text (or its first sentence) as if the keyboard were on QWERTY."""
    if len(text) > 80 or rng.random() < 0.4:  # long messages: noticed after a sentence
        end = re.search(r"[.!?](?:\s|$)", text)
        cut = end.end() if end else len(text)
        if cut > 60:  # no full stops (chat style): the first few words
            words = text.split(" ")
            cut = len(" ".join(words[: rng.randint(1, 3)])) + 1
        head, tail = text[:cut], text[cut:]
    else:
        head, tail = text, ""
    return "".join(TO_LATIN_LAYOUT.get(c, c) for c in head) + tail


def add_invisibles(rng: random.Random, text: str) -> str:
    """Insert soft hyphens / zero-width spaces as text pasted from a document carries."""
    for _ in range(rng.randint(1, 3)):
        span = _pick_word(rng, text, 6)
        if span is None:
            break
        a, b = span
        i = rng.randrange(a + 2, b - 2)
        text = text[:i] + rng.choice((SOFT_HYPHEN, SOFT_HYPHEN, ZERO_WIDTH_SPACE)) + text[i:]
    return text


# --------------------------------------------------------------------------- text


def _amount(rng: random.Random) -> str:
    value = rng.choice((rng.randrange(5, 400) * 100, rng.randrange(10, 99) * 50))
    text = f"{value:,}".replace(",", " ")
    return rng.choice((f"{text} ₽", f"{text} руб.", f"{value}р", f"{text} рублей"))


def _fill(rng: random.Random, template: str, ctx: dict[str, Any]) -> str:
    created: dt.datetime = ctx["created"]
    past = created.date() - dt.timedelta(days=rng.randint(2, 20))
    month = MONTHS[past.month - 1]
    month_name = ("сентябрь", "октябрь", "ноябрь")[past.month - 9]
    period = rng.choice((month_name, "прошлую неделю", f"{past:%d.%m}"))
    values = {
        "a": "а" if ctx["female"] else "",
        "yi": "ая" if ctx["female"] else "ый",
        "sya": "ась" if ctx["female"] else "ся",
        "amount": ctx["amount"],
        "amount2": _amount(rng),
        "date": rng.choice((f"{past:%d.%m}", f"{past.day} {month}", f"{past:%d.%m.%Y}")),
        "period": period,
        "n": str(rng.randint(2, 4)),
        "inn": "".join(str(rng.randrange(10)) for _ in range(12)),
        "card": f"{rng.randrange(10000):04d}",
        "app": ctx["app"] or f"№{rng.randrange(1000000, 9999999)}",
        "agent": rng.choice(AGENTS).split()[0],
        "company": rng.choice(COMPANIES),
        "name": ctx["name"],
    }
    return template.format(**values).replace("..", ".")


def compose(rng: random.Random, topic: str, channel: str, ctx: dict[str, Any]) -> tuple[str, str]:
    """Return ``(subject, body)`` for one ticket."""
    parts = TOPICS[topic]
    problem = list(parts["problem"])
    if topic == "passport" and ctx["female"]:
        problem += FEMALE_ONLY
    sentences = [rng.choice(problem)]
    if ctx["angry"]:
        sentences.insert(rng.randint(0, 1), rng.choice(ANGRY))
    if channel == "email":
        sentences.insert(0, rng.choice(GREETINGS))
        if rng.random() < 0.5 and topic != "thanks":
            sentences.insert(1, rng.choice(CONTEXT))
        if rng.random() < 0.25:
            sentences.append(rng.choice([p for p in problem if p != sentences[-1]]))
        sentences += rng.sample(list(parts["detail"]), k=rng.randint(1, 2))
        sentences.append(rng.choice(parts["ask"]))
        if ctx["angry"]:
            sentences.append(rng.choice(ANGRY))
        closing = rng.choice(CLOSINGS)
        if closing not in sentences:
            sentences.append(closing)
        subject = _fill(rng, rng.choice(parts["subject"]), ctx)
        if rng.random() < 0.06:
            subject = "Re: " + subject
    else:
        if rng.random() < 0.35:
            sentences.insert(0, rng.choice(CHAT_GREETINGS))
        if rng.random() < 0.45:
            sentences.append(rng.choice(parts["detail"]))
        if rng.random() < 0.4:
            sentences.append(rng.choice(parts["ask"]))
        subject = ""
    filled = [_fill(rng, s, ctx) for s in sentences if s]
    if channel != "email" and rng.random() < 0.5:  # chat style: lower case, no full stops
        filled = [s[0].lower() + s[1:].rstrip(".") for s in filled]
    body = " ".join(filled)
    if "ё" in body + subject and rng.random() < 0.6:
        body, subject = body.replace("ё", "е"), subject.replace("ё", "е")
    return subject, body


# --------------------------------------------------------------------------- time


def _offset(country: str, zone: str, at_utc: dt.datetime) -> dt.timezone:
    hours = {"MSK": 3, "VVO": 10, "ALA": 5, "MEX": -6}.get(zone)
    if zone == "MAD":
        hours = 2 if at_utc < MADRID_DST_END else 1
    assert hours is not None, (country, zone)
    return dt.timezone(dt.timedelta(hours=hours))


def _is_day_off(day: dt.date) -> bool:
    if day in WORKING_SATURDAYS:
        return False
    return day in HOLIDAYS or day.weekday() >= 5


def _daily_counts(rng: random.Random) -> list[tuple[dt.date, int]]:
    out = []
    for i in range(DAYS):
        day = START + dt.timedelta(days=i)
        if day in HOLIDAYS:
            mean = 8.0
        elif _is_day_off(day):
            mean = 9.0
        else:
            mean = 17.0 + (3.0 if day.weekday() == 0 else 0.0)
        out.append((day, max(3, round(rng.gauss(mean, mean * 0.18)))))
    return out


HOUR_WEIGHTS = (  # Moscow hours 07..23 for daytime traffic
    2, 5, 9, 12, 12, 11, 9, 10, 11, 11, 10, 9, 8, 7, 6, 5, 4,
)  # fmt: skip


def _moscow_time(rng: random.Random, day: dt.date, channel: str) -> dt.datetime:
    night_share = 0.22 if channel != "email" else 0.08
    if rng.random() < night_share:
        hour = rng.randrange(0, 7)
    else:
        hour = 7 + rng.choices(range(len(HOUR_WEIGHTS)), weights=HOUR_WEIGHTS)[0]
    return dt.datetime(
        day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=MSK
    )


def _next_shift(at: dt.datetime) -> dt.datetime:
    """The next moment the e-mail crews (08:00-20:00 Moscow, every day) are on."""
    local = at.astimezone(MSK)
    if 8 <= local.hour < 20:
        return at
    start = local.replace(hour=8, minute=0, second=0)
    if local.hour >= 20:
        start += dt.timedelta(days=1)
    return start


def _agent_delay(rng: random.Random, at: dt.datetime, channel: str) -> dt.timedelta:
    local = at.astimezone(MSK)
    if channel == "email":
        start = _next_shift(at)
        slow = 2.5 if _is_day_off(start.date()) else 1.0
        hours = rng.lognormvariate(0.6, 0.8) * slow  # median ~1.8 h
        return start - at + dt.timedelta(seconds=round(hours * 3600 + rng.randrange(60)))
    if 8 <= local.hour < 22:
        seconds = rng.lognormvariate(3.7, 0.55)  # median ~40 s, ~90 % under 100 s
    else:
        seconds = rng.lognormvariate(5.4, 0.8)  # median ~3.7 min at night
    return dt.timedelta(seconds=max(8, round(seconds)))


def _customer_delay(rng: random.Random, channel: str) -> dt.timedelta:
    if channel == "email":
        return dt.timedelta(seconds=round(rng.lognormvariate(9.0, 1.0)))  # ~2.2 h
    return dt.timedelta(seconds=round(rng.lognormvariate(4.6, 0.9)))  # ~100 s


# --------------------------------------------------------------------------- events


def build_events(
    rng: random.Random, created: dt.datetime, channel: str, topic: str, angry: bool
) -> tuple[list[tuple[dt.datetime, dict[str, str]]], bool]:
    """Return the ticket's events and whether an agent ever replied."""
    events: list[tuple[dt.datetime, dict[str, str]]] = []
    t = created

    def add(delta: dt.timedelta, **event: str) -> None:
        nonlocal t
        t = t + max(delta, dt.timedelta(seconds=1))
        events.append((t, event))

    base = 0.4 if channel == "email" else 0.5
    automated = not angry and rng.random() < base * AUTOMATABLE[topic] / 1.06
    robot = "rule" if channel == "email" or rng.random() < 0.3 else "bot"
    if automated:
        add(dt.timedelta(seconds=rng.randint(1, 12)), type="reply", by=robot)
        if rng.random() < 0.35:
            add(_customer_delay(rng, channel), type="reply", by="customer")
            add(dt.timedelta(seconds=rng.randint(1, 15)), type="reply", by=robot)
        if rng.random() < 0.9:
            wait = dt.timedelta(minutes=rng.randint(1, 30) if channel != "email" else 0)
            add(wait, type="status", status="solved")
            add(dt.timedelta(days=3), type="status", status="closed")
        return events, False
    if channel == "email" and rng.random() < 0.3:
        add(dt.timedelta(seconds=rng.randint(1, 5)), type="reply", by="rule")
    elif channel != "email" and rng.random() < 0.6:
        add(dt.timedelta(seconds=rng.randint(1, 6)), type="reply", by="bot")
    first = created + _agent_delay(rng, created, channel)
    agent = rng.choice(AGENTS)
    if angry and rng.random() < 0.6:
        add(first - t - dt.timedelta(seconds=5), type="priority", priority="high")
    add(first - t - dt.timedelta(seconds=2), type="assign", assignee=agent)
    add(first - t, type="reply", by="agent")
    rounds = rng.choices((0, 1, 2, 3), weights=(50, 30, 14, 6))[0]
    for _ in range(rounds):
        if rng.random() < 0.7:
            add(dt.timedelta(seconds=1), type="status", status="waiting_customer")
        add(_customer_delay(rng, channel), type="reply", by="customer")
        if rng.random() < 0.08:
            add(dt.timedelta(seconds=30), type="note", by="agent")
        add(_agent_delay(rng, t, channel), type="reply", by="agent")
    end = rng.random()
    if end < 0.05:
        add(dt.timedelta(seconds=2), type="status", status="on_hold")
    elif end < 0.09:
        add(dt.timedelta(seconds=2), type="status", status="pending")
    else:
        add(dt.timedelta(minutes=rng.randint(0, 20)), type="status", status="solved")
        if rng.random() < 0.04:  # reopened
            add(_customer_delay(rng, channel) * 8, type="reply", by="customer")
            add(dt.timedelta(seconds=1), type="status", status="open")
            if rng.random() < 0.6:
                add(_agent_delay(rng, t, channel), type="reply", by="agent")
                add(dt.timedelta(minutes=rng.randint(1, 30)), type="status", status="solved")
        if events[-1][1].get("status") == "solved":
            add(dt.timedelta(days=3), type="status", status="closed")
    return events, True


def _rating(rng: random.Random, channel: str, angry: bool) -> int | str:
    if channel == "email":
        stars = (2, 2, 6, 18, 72) if not angry else (30, 20, 20, 15, 15)
        return rng.choices((1, 2, 3, 4, 5), weights=stars)[0]
    labels = (75, 23, 2) if not angry else (30, 35, 35)
    return rng.choices(("Отлично", "Хорошо", "Плохо"), weights=labels)[0]


# --------------------------------------------------------------------------- tickets


def _one(
    rng: random.Random, day: dt.date, stats: Counter[str], forced: tuple[str, int, int] | None
) -> dict[str, Any]:
    channel = rng.choices(("email", "chat", "messenger"), weights=(40, 42, 18))[0]
    if forced is None:
        moscow = _moscow_time(rng, day, channel)
        topic = rng.choices([t for t, _ in TOPIC_WEIGHTS], [w for _, w in TOPIC_WEIGHTS])[0]
    else:
        topic, h0, h1 = forced
        moscow = dt.datetime(day.year, day.month, day.day, rng.randrange(h0, h1),
                             rng.randrange(60), rng.randrange(60), tzinfo=MSK)  # fmt: skip
    country = rng.choices([c for c, _ in COUNTRIES], [w for _, w in COUNTRIES])[0]
    if country == "RU":
        far_east = 0.55 if moscow.hour < 7 else 0.06
        zone = "VVO" if rng.random() < far_east else "MSK"
    else:
        zone = {"KZ": "ALA", "ES": "MAD", "MX": "MEX"}[country]
    created = moscow.astimezone(_offset(country, zone, moscow.astimezone(dt.timezone.utc)))
    angry = topic != "thanks" and rng.random() < (0.15 if forced is not None else 0.05)
    if angry and topic not in ANGRY_TOPICS:
        topic = rng.choice(ANGRY_TOPICS)
    female = rng.random() < 0.55
    name = rng.choice(FEMALE if female else MALE)
    app = f"Z-{rng.randrange(1000000, 9999999)}" if rng.random() < 0.55 else None
    ctx = {
        "created": created,
        "female": female,
        "name": name,
        "app": app,
        "angry": angry,
        "amount": _amount(rng),
    }
    # Typos may drop two letters, invisibles add three: leave room for both.
    subject, body = compose(rng, topic, channel, ctx)
    while not 42 <= len(body) <= 396:
        subject, body = compose(rng, topic, channel, ctx)
    subject, body = _mess(rng, subject, body, angry, channel, stats)

    events, by_agent = build_events(rng, created, channel, topic, angry)
    events = [(at, e) for at, e in events if at <= EXPORT_AT]
    statuses = [e["status"] for _, e in events if e["type"] == "status"]
    rating: int | str | None = None
    if "solved" in statuses and rng.random() < 0.5:
        rating = _rating(rng, channel, angry)
    stats["automated_only" if not by_agent else "agent_handled"] += 1
    stats[f"channel {channel}"] += 1
    if not by_agent:
        stats[f"automated_only {channel}"] += 1

    tags = [topic]
    if topic == "payouts" and rng.random() < 0.15:
        tags.append("acts")
    if topic == "self_employed" and rng.random() < 0.3:
        tags.append("my_tax")
    if angry:
        tags.append("complaint")
    if topic == "thanks":
        priority = "low"
    elif angry:
        priority = rng.choice(("high", "high", "urgent"))
    else:
        priority = rng.choices(("low", "normal", "high"), weights=(10, 75, 15))[0]
    fields: dict[str, Any] = {"customer_name": name, "country": country}
    if app is not None:
        fields["application_id"] = app
    fields["category"] = topic
    return {
        "id": "",
        "channel": channel,
        "subject": subject,
        "body": body,
        "tags": tags,
        "priority": priority,
        "created_at": created.isoformat(),
        "events": [{"at": at.astimezone(created.tzinfo).isoformat(), **e} for at, e in events],
        "rating": rating,
        "fields": fields,
    }


def _mess(
    rng: random.Random, subject: str, body: str, angry: bool, channel: str, stats: Counter[str]
) -> tuple[str, str]:
    roll: Callable[[float], bool] = lambda p: rng.random() < p  # noqa: E731
    if roll(0.11):
        body = add_typo(rng, body)
        if roll(0.3):
            body = add_typo(rng, body)
        stats["typos"] += 1
    layout = roll(0.05 if channel != "email" else 0.005)
    if not layout and roll(0.09):
        if subject and roll(0.3):
            subject = add_homoglyphs(rng, subject)
        else:
            body = add_homoglyphs(rng, body)
        stats["homoglyphs"] += 1
    if roll(0.35 if angry else 0.022):
        body = body.upper()
        stats["caps"] += 1
    if layout:
        body = wrong_layout(rng, body)
        stats["wrong_layout"] += 1
    if roll(0.045 if channel == "email" else 0.005):
        body = add_invisibles(rng, body)
        stats["invisibles"] += 1
    return subject, body


def generate(seed: int = SEED) -> tuple[list[dict[str, Any]], Counter[str]]:
    """Return the tickets (sorted by creation time, numbered) and generation statistics."""
    rng = random.Random(seed)
    stats: Counter[str] = Counter()
    tickets = []
    incidents = {day: (topic, n, h0, h1) for day, topic, n, h0, h1 in INCIDENTS}
    for day, count in _daily_counts(rng):
        tickets += [_one(rng, day, stats, None) for _ in range(count)]
        if day in incidents:
            topic, n, h0, h1 = incidents[day]
            tickets += [_one(rng, day, stats, (topic, h0, h1)) for _ in range(n)]
    tickets.sort(key=lambda t: dt.datetime.fromisoformat(t["created_at"]))
    for i, ticket in enumerate(tickets, 1):
        ticket["id"] = f"T-{i:06d}"
    return tickets, stats


def dumps(tickets: list[dict[str, Any]]) -> str:
    """The JSON-lines text of ``tickets`` (UTF-8, one object per line)."""
    return "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tickets)


def main(argv: list[str] | None = None) -> int:
    """Write the sample tickets; ``--stats`` prints what was generated to stderr."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--stats", action="store_true", help="print counts to stderr")
    args = parser.parse_args(argv)
    tickets, stats = generate(args.seed)
    args.output.write_bytes(dumps(tickets).encode("utf-8"))
    if args.stats:
        print(f"{len(tickets)} tickets -> {args.output}", file=sys.stderr)
        for key, value in sorted(stats.items()):
            print(f"  {key}: {value}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
