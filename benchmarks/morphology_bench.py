"""Benchmark: does a bare phrase word fire on every form of its word, and only on it?

Measures the rule engine's dictionary morphology (``supportkit.text``, OpenCorpora via
pymorphy3) the way issue 13 states its targets, and, when ``snowballstemmer`` is
installed, the Snowball stemming it replaced, side by side:

1. **Lexeme forms.** Every form the dictionary lists for ~200 support-domain lemmas
   (nouns, verbs, adjectives), as text against a rule whose phrase is the lemma. A form
   is *regular* when it starts with the lemma minus its ending, *stem-changing*
   otherwise (день/дня, заявка/заявок, мочь/может, прийти/пришёл, человек/люди).
2. **Running text** that is not the seeds: the support messages written below
   (``RUNNING_TEXT``, 60 sentences written for this benchmark). Every word whose
   dictionary lemma is one of the lemmas must fire that lemma's rule.
3. **Multi-word phrases**: 40 support phrases and hand-written realistic variants
   (``денег не пришло``, ``не может войти``, ``в личном кабинете``), plus, for each
   phrase, 4 variants with every word in a random dictionary form; then 20 further
   phrases (``UNSEEN``) written before the aspect pairs were measured on them. Each with
   ``options.aspects`` on (the default) and off.
4. **Precision**: the issue's collision pairs, and on a large word list (every word of
   the seeds, the docs and the running text) the share of words that fire a lemma's
   rule although the dictionary does not list them among that lemma's forms while
   they share the lemma's first four letters (the words a stemmer conflates); the same
   pairs through the rule pipeline, with the aspect partners counted apart.
5. **Cost**: importing ``supportkit.rules`` plus the first evaluation, in a fresh
   process; the dictionary's memory (resident set before and after loading it).

Run: ``python benchmarks/morphology_bench.py``.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from supportkit.rules import RuleSet
from supportkit.text import aspect_partners, lemmas, normalize, same_word
from supportkit.text._morphology import _analyzer, phrase_keys

ROOT = Path(__file__).resolve().parent.parent
# The seed articles sit beside the project (/work/shared/seeds), also from a worktree.
SEEDS = next(
    (
        p
        for p in (ROOT.parent / "shared" / "seeds", ROOT.parents[1] / "shared" / "seeds")
        if p.is_dir()
    ),
    ROOT.parent / "shared" / "seeds",
)


def _words(text: str) -> list[str]:
    return text.split()


NOUNS = _words("""выплата заявка деньги день неделя месяц карта счет договор акт чек налог платеж
перевод оплата возврат задержка ошибка проблема вопрос ответ сообщение письмо почта телефон
номер код пароль логин аккаунт кабинет приложение сайт страница кнопка раздел профиль
документ паспорт справка подпись заказ задание исполнитель заказчик компания клиент
поддержка оператор менеджер специалист человек ребенок статус доступ вход регистрация
подключение уведомление комиссия сумма баланс остаток лимит срок время час минута доход
расход банк реквизиты квитанция выписка анкета данные фамилия имя адрес город страна
гражданство патент разрешение самозанятость работа услуга тариф скидка бонус штраф жалоба
претензия отзыв оценка решение причина результат обновление версия система сбой доступность
уровень отдел руководитель сотрудник друг деньга""")
VERBS = _words("""прийти поступить получить отправить вернуть оплатить перевести выплатить начислить
зачислить списать заблокировать разблокировать войти зайти выйти открыть закрыть найти
помочь мочь смочь хотеть знать понять сделать сказать написать позвонить ответить
подтвердить изменить удалить добавить загрузить скачать обновить зарегистрироваться
подключить отключить проверить ждать ожидать идти работать пропасть исчезнуть отменить
принять отклонить подписать указать ввести выбрать нажать""")
ADJECTIVES = _words("""личный новый старый банковский мобильный электронный налоговый срочный
последний первый следующий важный неправильный правильный верный полный частичный
доступный активный официальный трудовой денежный рабочий""")
LEMMAS = NOUNS + VERBS + ADJECTIVES

RUNNING_TEXT = """
Здравствуйте! Уже третий день жду выплату, а денег на карте до сих пор нет.
Почему деньги не пришли, если заказчик подтвердил акт ещё в понедельник?
Не могу войти в личный кабинет: приложение пишет, что пароль неверный.
Вчера поменял номер телефона, и теперь код подтверждения не приходит.
Подскажите, пожалуйста, сколько дней обычно идёт перевод на банковскую карту?
Мне списали комиссию дважды, верните, пожалуйста, лишнюю сумму.
Статус заявки уже неделю не меняется, никто не отвечает на мои письма.
Я самозанятый, где в приложении найти чеки за прошлый месяц?
Загрузил паспорт и справку, но документы до сих пор на проверке.
Ваш оператор обещал перезвонить, но так и не позвонил.
Аккаунт заблокировали без объяснения причин, помогите разблокировать.
Хочу отменить заказ, но кнопки отмены нигде нет.
Когда будет начислен бонус за прошлые задания?
Платёж завис в обработке, а на балансе пусто.
Можно ли изменить реквизиты для выплат без визита в офис?
Поддержка отвечает очень долго, уже третьи сутки жду ответа.
После обновления приложения пропала история платежей.
В разделе документов не открывается договор, страница грузится бесконечно.
Не получается подписать акт: электронная подпись не принимается.
Пришло уведомление о штрафе, но я ничего не нарушал.
Сотрудник банка сказал, что перевод отклонён вашей системой.
Деньги вернулись на счёт компании, почему выплата не прошла?
Укажите, пожалуйста, правильный адрес для отправки оригиналов.
Почта не доходит, проверьте, пожалуйста, мою электронную почту.
Я ввёл неправильные данные в анкете, как их исправить?
Ребёнок случайно удалил приложение, как восстановить доступ к кабинету?
Сколько людей сейчас работает в поддержке? Ответа нет уже два часа.
Мы с другом зарегистрировались одновременно, а ему выплатили, а мне нет.
Налоговая прислала письмо о доходе, которого не было.
Подключите, пожалуйста, уведомления о поступлении денег.
Выписка за месяц не скачивается, выдаёт ошибку.
Не нашёл, где в профиле поменять фамилию после замужества.
Заказчик не принимает работу и не отвечает на сообщения.
Где посмотреть остаток лимита по самозанятости на этот год?
Срок оплаты по договору прошёл, а денег всё нет.
Новый тариф списывает больше, чем старый, хотя условия те же.
Подтвердите, пожалуйста, что заявка на возврат получена.
Вы обещали решить проблему до пятницы, но ничего не изменилось.
В мобильном приложении не работает кнопка входа.
Отправил жалобу неделю назад, ответа до сих пор нет.
Подскажите, как получить справку о доходах за прошлый год.
У меня патент на работу, нужно ли загружать разрешение отдельно?
Зашёл в кабинет, а там пустой список заданий.
Исполнитель выполнил задание, но статус не обновился.
Списание прошло, а заказ отменён, верните деньги.
Оценка сервиса: поддержка помогла быстро, спасибо специалисту.
Перевели не ту сумму, разница в тысячу рублей.
Хотел бы узнать причину отказа в регистрации.
Система выдаёт сбой при попытке оплатить услугу картой.
Мой руководитель просит акт с подписью до конца недели.
Почему квитанция об оплате пришла на чужое имя?
Банк заблокировал карту из-за ваших переводов.
Доступ к разделу выплат пропал после смены пароля.
Клиенты жалуются, что не могут зайти на сайт.
Начислите, пожалуйста, компенсацию за задержку выплаты.
Получил два одинаковых письма с разными суммами.
Через какое время исчезнет ошибка на странице оплаты?
Я не смог найти, где указать гражданство.
Отдел поддержки закрыл вопрос, а проблема осталась.
Откройте мне, пожалуйста, доступ к новым заданиям.
"""

PHRASES: dict[str, list[str]] = {
    "деньги не пришли": ["денег не пришло", "деньги не пришли", "деньги не приходят"],
    "не могу войти": ["не может войти", "не смогла войти", "не можем войти"],
    "личный кабинет": ["в личном кабинете", "личного кабинета", "личным кабинетом"],
    "верните деньги": ["вернуть деньги", "вернете деньги", "вернули деньги"],
    "выплата не пришла": ["выплаты не пришли", "выплату не пришлют", "выплат не приходило"],
    "не приходит код": ["не пришел код", "не приходят коды", "не придет код"],
    "заблокировали аккаунт": [
        "заблокирован аккаунт",
        "заблокировал аккаунт",
        "заблокируют аккаунт",
    ],
    "списали комиссию": ["списала комиссию", "списывают комиссии", "списали комиссии"],
    "статус заявки": ["статусом заявки", "статусы заявок", "статусе заявки"],
    "не работает приложение": ["не работают приложения", "не работало приложение"],
    "сменить пароль": ["сменил пароль", "сменила пароли", "сменю пароль"],
    "электронная подпись": ["электронной подписью", "электронную подпись", "электронные подписи"],
    "подписать акт": ["подписал акт", "подписали акты", "подпишу акт"],
    "банковская карта": ["банковской картой", "банковскую карту", "банковских карт"],
    "номер телефона": ["номером телефона", "номера телефонов", "номере телефона"],
    "справка о доходах": ["справку о доходах", "справки о доходе", "справкой о доходах"],
    "отменить заказ": ["отменил заказ", "отменить заказы", "отменили заказ"],
    "вернуть платеж": ["вернули платеж", "вернете платежи", "вернуть платежа"],
    "ошибка оплаты": ["ошибку оплаты", "ошибки оплаты", "ошибкой оплаты"],
    "не открывается договор": ["не открылся договор", "не открываются договоры"],
    "пропала история": ["пропали истории", "пропадет история", "пропадала история"],
    "новый тариф": ["новым тарифом", "новые тарифы", "нового тарифа"],
    "поддержка не отвечает": ["поддержка не ответила", "поддержки не отвечают"],
    "задержка выплаты": ["задержку выплаты", "задержки выплат", "задержкой выплаты"],
    "получить справку": ["получил справку", "получу справки", "получили справку"],
    "перевод на карту": ["переводы на карту", "перевода на карты", "переводом на карту"],
    "загрузить документы": ["загрузил документы", "загружу документ", "загрузили документы"],
    "указать реквизиты": ["указал реквизиты", "укажите реквизиты", "указали реквизит"],
    "налоговая служба": ["налоговой службы", "налоговую службу", "налоговой службой"],
    "остаток лимита": ["остатка лимита", "остатки лимитов", "остатком лимита"],
    "подтвердить заявку": ["подтвердил заявку", "подтвердите заявки", "подтвердили заявку"],
    "исполнитель выполнил задание": [
        "исполнители выполнили задания",
        "исполнитель выполнит задание",
    ],
    "заказчик не принимает работу": ["заказчики не принимают работу", "заказчик не принял работу"],
    "мобильное приложение": [
        "мобильном приложении",
        "мобильного приложения",
        "мобильные приложения",
    ],
    "срок оплаты": ["сроки оплаты", "сроком оплаты", "срока оплаты"],
    "электронная почта": ["электронную почту", "электронной почты", "электронной почтой"],
    "неправильные данные": ["неправильных данных", "неправильными данными", "неправильные данные"],
    "пришло уведомление": ["пришли уведомления", "придет уведомление", "приходят уведомления"],
    "не могу найти": ["не может найти", "не смогли найти", "не могут найти"],
    "открыть доступ": ["открыли доступ", "откройте доступ", "откроют доступ"],
}

#: Written before the aspect pairs were measured on them, and never tuned afterwards.
UNSEEN: dict[str, list[str]] = {
    "не получается оплатить": [
        "не получилось оплатить",
        "не получается оплачивать",
        "не получится оплатить",
    ],
    "не могу вывести деньги": [
        "не получается вывести деньги",
        "не смог вывести деньги",
        "не могу выводить деньги",
        "не можем вывести денег",
    ],
    "отправить документы": [
        "отправил документы",
        "отправляю документы",
        "отправили документ",
        "отправлять документы",
    ],
    "не пришло смс": ["не приходит смс", "не приходят смс", "не пришли смс"],
    "удалить аккаунт": ["удалите аккаунт", "удаляю аккаунт", "удалили аккаунт", "удалять аккаунт"],
    "изменить номер": ["изменил номер", "изменяю номер", "изменить номера", "изменили номер"],
    "подключить уведомления": [
        "подключил уведомления",
        "подключаю уведомления",
        "подключите уведомления",
    ],
    "отключить подписку": [
        "отключил подписку",
        "отключаю подписку",
        "отключите подписки",
        "отключать подписку",
    ],
    "исправить ошибку": ["исправьте ошибку", "исправляете ошибки", "исправили ошибку"],
    "прикрепить файл": ["прикрепил файл", "прикрепляю файлы", "прикрепить файлы"],
    "заполнить анкету": ["заполнил анкету", "заполняю анкету", "заполнила анкеты"],
    "списали деньги": ["списывают деньги", "списали денег", "списывали деньги"],
    "начислить бонусы": ["начислили бонусы", "начисляют бонусы", "начислят бонус"],
    "выдать справку": ["выдали справку", "выдают справки", "выдайте справку"],
    "оформить возврат": ["оформил возврат", "оформляю возврат", "оформите возврат"],
    "не открывается страница": [
        "не открылась страница",
        "не открываются страницы",
        "не откроется страница",
    ],
    "не удается войти": ["не удалось войти", "не удаётся войти", "не удастся войти"],
    "перевести деньги": [
        "перевел деньги",
        "перевожу деньги",
        "переводят деньги",
        "перевели деньги",
    ],
    "ответить на письмо": ["ответили на письмо", "отвечаете на письма", "ответьте на письмо"],
    "зарегистрироваться на сайте": [
        "зарегистрировался на сайте",
        "регистрируюсь на сайте",
        "регистрировался на сайте",
    ],
}

#: Aspect pairs and near synonyms are different dictionary words: the maintainer joins
#: them once per rule set (the documented way; used for the second multi-word line).
SYNONYMS = [
    ["прийти", "приходить"],
    ["мочь", "смочь"],
    ["прислать", "присылать"],
    ["вернуть", "возвращать"],
    ["отменить", "отменять"],
    ["открыться", "открываться"],
    ["пропасть", "пропадать"],
    ["получить", "получать"],
    ["загрузить", "загружать"],
    ["указать", "указывать"],
    ["подтвердить", "подтверждать"],
    ["выполнить", "выполнять"],
    ["принимать", "принять"],
    ["заблокировать", "блокировать"],
    ["списать", "списывать"],
    ["сменить", "менять"],
    ["подписать", "подписывать"],
]

COLLISIONS = [
    ("заём", "за"),
    ("почта", "почти"),
    ("брать", "брат"),
    ("стать", "статья"),
    ("дать", "дата"),
    ("тема", "теми"),
    ("друг", "другие"),
    ("опыт", "оп"),
    ("суть", "был"),
    ("мочь", "мочить"),
    ("вход", "входить"),
    ("карта", "картина"),
    ("счет", "счетчик"),
]


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def forms_of(word: str) -> list[str]:
    """Every form the dictionary lists for the lexeme(s) a phrase word stands for."""
    keys = phrase_keys(word)
    out: set[str] = set()
    seen: set[tuple[str, str]] = set()
    for parse in _analyzer().parse(word):
        key = _fold(parse.normal_form)
        ident = (key, str(parse.tag.POS))
        if key in keys and ident not in seen:
            seen.add(ident)
            out.update(_fold(f.word) for f in parse.lexeme)
    return sorted(out)


_ENDING = re.compile(r"(ться|тись|ть|ти|чь|ый|ий|ой|ая|ое|[аяоеьйиы])$")


def regular(lemma: str, form: str) -> bool:
    return form.startswith(_ENDING.sub("", lemma) or lemma)


def rule_for(
    phrase: str, synonyms: list[list[str]] | None = None, *, aspects: bool = True
) -> RuleSet:
    return RuleSet.from_dicts(
        [{"id": "r", "when": {"any": [phrase]}, "then": {"tags": ["t"]}}],
        synonyms=synonyms,
        options={"aspects": aspects},
    )


def snowball() -> Callable[[str, str], bool] | None:
    try:
        import snowballstemmer
    except ImportError:
        return None
    stemmer = snowballstemmer.stemmer("russian")

    def same(phrase: str, text: str) -> bool:
        words_a, words_b = phrase.split(), normalize(text).split()
        return len(words_a) == len(words_b) and all(
            stemmer.stemWord(a) == stemmer.stemWord(b)
            for a, b in zip(words_a, words_b, strict=True)
        )

    return same


def share(pairs: Iterable[tuple[str, str]], test: Callable[[str, str], bool]) -> tuple[float, int]:
    items = list(pairs)
    hits = sum(test(a, b) for a, b in items)
    return hits / max(len(items), 1), len(items)


_RULESETS: dict[tuple[str, bool, bool], RuleSet] = {}


def fires(phrase: str, text: str, *, synonyms: bool = False, aspects: bool = True) -> bool:
    ruleset = _RULESETS.get((phrase, synonyms, aspects))
    if ruleset is None:
        ruleset = _RULESETS[phrase, synonyms, aspects] = rule_for(
            phrase, SYNONYMS if synonyms else None, aspects=aspects
        )
    return ruleset.evaluate(text).matched == ("r",)


def fires_without_aspects(phrase: str, text: str) -> bool:
    return fires(phrase, text, aspects=False)


def fires_with_synonyms(phrase: str, text: str) -> bool:
    return fires(phrase, text, synonyms=True, aspects=False)


def cost() -> dict[str, float]:
    script = (
        "import time, resource, os\n"
        "t = time.perf_counter()\n"
        "import supportkit.rules\n"
        "rs = supportkit.rules.RuleSet.from_dicts([{'id': 'r', 'when': {'any': "
        "['деньги не пришли', 'выплата']}, 'then': {'tags': ['t']}}])\n"
        "rs.evaluate('Добрый день, денег не пришло')\n"
        "first = time.perf_counter() - t\n"
        "def rss():\n"
        "    return int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE')\n"
        "import supportkit.text._morphology as m\n"
        "m._state.clear(); m.clear_cache(); import gc; gc.collect(); before = rss()\n"
        "m._analyzer(); m.readings('выплата'); after = rss()\n"
        "import json; print(json.dumps({'first': first, 'mib': (after - before) / 2**20}))\n"
    )
    best: dict[str, float] = {}
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        data = json.loads(out.stdout)
        best = {k: min(v, best.get(k, v)) for k, v in data.items()}
    return best


def main() -> int:
    rnd = random.Random(13)
    stemmed = snowball()
    print(
        f"{len(LEMMAS)} lemmas ({len(NOUNS)} nouns, {len(VERBS)} verbs, "
        f"{len(ADJECTIVES)} adjectives)"
    )
    pairs = [(lemma, form) for lemma in LEMMAS for form in forms_of(lemma)]
    reg = [(a, b) for a, b in pairs if regular(a, b)]
    changing = [(a, b) for a, b in pairs if not regular(a, b)]

    def line(label: str, items: list[tuple[str, str]], ours: Callable[[str, str], bool]) -> None:
        value, count = share(items, ours)
        text = f"{label:48} {value:7.1%} of {count:5}"
        if stemmed is not None:
            text += f"   snowball {share(items, stemmed)[0]:6.1%}"
        print(text)
        misses = [f"{a}/{b}" for a, b in items if not ours(a, b)][:8]
        if misses:
            print(f"    missed: {', '.join(misses)}")

    print("1. lexeme forms vs their lemma phrase (the full rule pipeline)")
    line("   all forms", pairs, fires)
    line("   regular forms", reg, fires)
    line("   stem-changing forms", changing, fires)
    for pos, group in (("nouns", NOUNS), ("verbs", VERBS), ("adjectives", ADJECTIVES)):
        chosen = set(group)
        line(f"   regular {pos}", [p for p in reg if p[0] in chosen], fires)
        line(f"   stem-changing {pos}", [p for p in changing if p[0] in chosen], fires)

    words = re.findall(r"\w+", RUNNING_TEXT.lower())
    lemma_set = set(LEMMAS)
    running = [(lemma, w) for w in words for lemma in lemmas(w) if lemma in lemma_set]
    print("2. running text (60 support messages written for this benchmark, not the seeds)")
    line("   words whose lemma is a rule word", running, fires)

    handwritten = [(p, v) for p, variants in PHRASES.items() for v in variants]
    generated = [
        (phrase, " ".join(rnd.choice(forms_of(w) or [w]) for w in phrase.split()))
        for phrase in PHRASES
        for _ in range(4)
    ]
    print(f"3. multi-word phrases ({len(PHRASES)} phrases)")
    line("   realistic hand-written variants", handwritten, fires)
    line("   the same, options.aspects off", handwritten, fires_without_aspects)
    line(
        f"   aspects off, {len(SYNONYMS)} aspect-pair synonym groups",
        handwritten,
        fires_with_synonyms,
    )
    line("   every word in a random dictionary form", generated, fires)
    unseen = [(p, v) for p, variants in UNSEEN.items() for v in variants]
    print(f"   {len(UNSEEN)} further phrases, written before the aspect pairs were measured")
    line("   realistic hand-written variants", unseen, fires)
    line("   the same, options.aspects off", unseen, fires_without_aspects)

    print("4. precision")
    wrong = [(a, b) for a, b in COLLISIONS if fires(a, b)]
    print(f"   collision pairs that fire: {len(wrong)} of {len(COLLISIONS)} {wrong}")
    if stemmed is not None:
        print(f"   (snowball: {sum(stemmed(a, b) for a, b in COLLISIONS)} of {len(COLLISIONS)})")
    texts = [RUNNING_TEXT] + [p.read_text("utf-8") for p in sorted((ROOT / "docs").glob("*.md"))]
    if SEEDS.is_dir():
        texts += [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    vocabulary = sorted({_fold(w) for t in texts for w in re.findall(r"[а-яё]+", t.lower())})
    own = {lemma: set(forms_of(lemma)) for lemma in LEMMAS}
    candidates = [
        (lemma, w)
        for lemma in LEMMAS
        for w in vocabulary
        if w[:4] == lemma[:4] and w not in own[lemma]
    ]
    false = [(a, b) for a, b in candidates if same_word(a, b)]
    print(
        f"   word list: {len(vocabulary):,} words; {len(candidates):,} (lemma, word) pairs "
        f"sharing 4 letters but not a form of the lemma; {len(false)} fire "
        f"({len(false) / max(len(candidates), 1):.2%}) {false[:6]}"
    )
    fired = [(a, b) for a, b in candidates if fires(a, b)]
    partner = [
        (a, b)
        for a, b in fired
        if any(k in aspect_partners(a) for k in lemmas(b)) and not same_word(a, b)
    ]
    other = [pair for pair in fired if pair not in partner and not same_word(*pair)]
    print(
        f"   the same pairs through the rule pipeline (aspects on): {len(fired)} fire, "
        f"{len(partner)} of them as the verb's aspect partner {partner[:4]}, "
        f"{len(other)} otherwise {other[:6]}"
    )
    if stemmed is not None:
        conflated = sum(stemmed(a, b) for a, b in candidates)
        print(f"   (snowball: {conflated} fire, {conflated / max(len(candidates), 1):.2%})")

    figures = cost()
    print("5. cost")
    print(f"   import supportkit.rules + first evaluation: {figures['first'] * 1000:.0f} ms")
    print(f"   dictionary memory (resident, after load): {figures['mib']:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
