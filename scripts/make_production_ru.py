"""Regenerate ``src/supportkit/data/production_ru.json`` (the Russian production calendar).

Split of sources (see docs/calendars.md):

* days off, transferred days off and working weekend days come from the ``holidays``
  package (``holidays.RU``), which encodes each year's Government decree on transferring
  days off and cites it; the decree is named in each year's ``source``;
* public holidays are the fixed list of Labour Code art. 112;
* shortened pre-holiday days (Labour Code art. 95) are not in ``holidays``: they are
  tabled below by hand from the published production calendars and checked by
  ``tests/sla/test_production.py``.

Run: ``python scripts/make_production_ru.py`` (needs the ``holidays`` extra).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import holidays

OUT = Path(__file__).resolve().parents[1] / "src" / "supportkit" / "data" / "production_ru.json"

# Labour Code art. 112: 1-6 and 8 Jan (New Year holidays), 7 Jan, 23 Feb, 8 Mar, 1 May,
# 9 May, 12 Jun, 4 Nov.
ART_112 = [(1, d) for d in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]

DECREES = {
    2019: "Government decree of 01.10.2018 No. 1163",
    2020: "Government decree of 10.07.2019 No. 875",
    2021: "Government decree of 10.10.2020 No. 1648",
    2022: "Government decree of 16.09.2021 No. 1564",
    2023: "Government decree of 29.08.2022 No. 1505",
    2024: "Government decree of 10.08.2023 No. 1314",
    2025: "Government decree of 04.10.2024 No. 1335",
    2026: "Government decree on the transfer of days off in 2026",
    2027: "Government decree on the transfer of days off in 2027",
}
CONSULTANT = {
    2019: "cons_doc_LAW_307996",
    2020: "cons_doc_LAW_328918",
    2021: "cons_doc_LAW_365179",
    2022: "cons_doc_LAW_395538",
    2023: "cons_doc_LAW_425407",
    2024: "cons_doc_LAW_455140",
    2025: "cons_doc_LAW_481586",
    2026: "cons_doc_LAW_515170",
    2027: "cons_doc_LAW_544706",
}

# Working days shortened by one hour before a public holiday (Labour Code art. 95),
# as published in the production calendars for each year (cross-checked against the
# xmlcalendar data set, github.com/xmlcalendar/data, type 2 days).
SHORTENED = {
    2019: ["02-22", "03-07", "04-30", "05-08", "06-11", "12-31"],
    2020: ["06-11", "11-03", "12-31"],
    2021: ["02-20", "04-30", "06-11", "11-03"],
    2022: ["02-22", "03-05", "11-03"],
    2023: ["02-22", "03-07", "11-03"],
    2024: ["02-22", "03-07", "05-08", "06-11", "11-02"],
    2025: ["03-07", "04-30", "06-11", "11-01"],
    2026: ["04-30", "05-08", "06-11", "11-03"],
    2027: ["02-20", "04-30", "06-11", "11-03"],
}


def year_data(year: int) -> dict[str, object]:
    ru = holidays.RU(years=year)
    public = {dt.date(year, m, d) for m, d in ART_112}
    off = sorted(d for d in ru if d.year == year and d not in public)
    assert all(d.weekday() < 5 for d in off), off
    working = sorted(d for d in ru.weekend_workdays if d.year == year)
    shortened = sorted(dt.date.fromisoformat(f"{year}-{md}") for md in SHORTENED[year])
    for day in shortened:
        assert day not in ru, day
        assert day.weekday() < 5 or day in working, day
    return {
        "holidays": [d.isoformat() for d in sorted(public)],
        "days_off": [d.isoformat() for d in off],
        "working_days": [d.isoformat() for d in working],
        "shortened": [d.isoformat() for d in shortened],
        "source": (
            f"{DECREES[year]} (https://www.consultant.ru/document/{CONSULTANT[year]}/); "
            "Labour Code arts. 95 and 112"
        ),
    }


def main() -> None:
    data = {
        "name": "RU",
        "weekend": [5, 6],
        "note": (
            "Russian production calendar. Days off and transfers: the Government decrees "
            "named per year (as encoded in the holidays package); holidays: Labour Code "
            "art. 112; shortened pre-holiday days: Labour Code art. 95. Presidential "
            "non-working days with pay (2020-2021) are not included."
        ),
        "years": {str(y): year_data(y) for y in sorted(SHORTENED)},
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
