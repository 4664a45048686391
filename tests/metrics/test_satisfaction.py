"""CSAT, NPS and mean scores: hand-computed values, scales, labels, edge cases."""

from __future__ import annotations

import math
import pickle

import pytest

from supportkit.exceptions import InvalidArgument, InvalidValue, SupportkitError
from supportkit.metrics import CSAT, NPS, SCALES, MeanScore, Scale, csat, mean_score, nps


def test_domain_97_percent_on_three_point_scale() -> None:
    # DOMAIN.md: 97 % "Excellent" + "Good" on a 3-point scale (3 % "Bad").
    ratings = ["Отлично"] * 70 + ["Хорошо"] * 27 + ["Плохо"] * 3
    rate = csat(ratings, scale="3")
    assert (rate.value, rate.successes, rate.count) == (0.97, 97, 100)
    # ... and 70 % "excellent" is the top-box on the same answers.
    assert csat(ratings, scale="3", top=1).value == 0.70


def test_five_point_top_two_and_top_box() -> None:
    ratings = [5, 5, 4, 3, 1, 2, 5, 4]
    assert csat(ratings).value == 5 / 8  # 4s and 5s
    assert csat(ratings, top=1).value == 3 / 8
    assert csat(ratings, scale=5).successes == 5


def test_two_point_scale_thumbs_and_booleans() -> None:
    assert csat(["👍", "👎", "да", True, 1, 0], scale="2").value == 4 / 6
    assert csat(["Хорошо", "Плохо"], scale="2").value == 0.5


def test_custom_scale_and_caller_labels() -> None:
    seven = Scale(1, 7, labels={"супер": 7}, top=3, name="7")
    assert csat([7, 6, 5, 4, "Супер"], scale=seven).value == 4 / 5
    # Caller's labels extend a built-in scale.
    assert csat(["огонь", "плохо"], scale="3", labels={"Огонь": 3}).value == 0.5


def test_english_labels_and_label_normalisation() -> None:
    assert csat(["Excellent", "GOOD", " bad "], scale="3").value == 2 / 3
    assert csat(["Очень  плохо", "отлично", "удовлетворительно"], scale="5").value == 1 / 3


def test_numbers_as_strings_and_floats() -> None:
    assert csat(["5", "4,0", 4.0, 3], scale="5").value == 3 / 4


def test_not_rated_is_skipped_not_counted() -> None:
    rate = csat([None, 5, float("nan"), 1])
    assert (rate.successes, rate.count) == (1, 2)


def test_empty_input_gives_count_zero_and_no_value() -> None:
    rate = csat([])
    assert (rate.value, rate.count, rate.low, rate.high) == (None, 0, None, None)
    assert repr(rate) == "Rate(no data, count=0)"
    assert nps([]).score is None
    assert nps([]).count == 0
    assert mean_score([]).value is None


def test_single_item() -> None:
    rate = csat(["Плохо"], scale="3")
    assert (rate.value, rate.count) == (0.0, 1)
    assert rate.low == 0.0
    assert nps([10]).score == 100.0
    assert mean_score([7]).value == 7.0


def test_unknown_rating_raises_or_is_skipped() -> None:
    with pytest.raises(InvalidValue, match=r"rating 7 is not on the 5-point scale \(1\.\.5\)"):
        csat([5, 7])
    with pytest.raises(ValueError, match="unknown='skip'"):
        csat(["супер"], scale="3")
    acc = CSAT(unknown="skip")
    acc.add_many([5, 7, "??"])
    assert acc.skipped == 2
    assert acc.result().count == 1


def test_auto_scale_reads_labels_on_three_and_numbers_on_five() -> None:
    rate = csat(["Отлично", "Хорошо", "Плохо", 5, 4, 3, 2], scale="auto")
    assert (rate.successes, rate.count) == (4, 7)


def test_bad_options() -> None:
    with pytest.raises(InvalidValue, match="scale must be one of"):
        csat([1], scale="4")
    with pytest.raises(InvalidValue, match=r"Scale.top must be between 1 and 4"):
        csat([1], top=5)
    with pytest.raises(InvalidValue, match="must be above"):
        Scale(3, 3)
    with pytest.raises(InvalidValue, match=r"outside 1\.\.3"):
        Scale(1, 3, labels={"x": 9})
    with pytest.raises(InvalidArgument, match="labels must"):
        Scale(1, 3, labels=["x"])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="hashable"):
        csat([[5]])
    with pytest.raises(InvalidValue, match="unknown must be"):
        CSAT(unknown="ignore")


def test_nps_bain_definition() -> None:
    # Bain: promoters 9-10, passives 7-8, detractors 0-6; NPS = %P - %D.
    scores = [10, 9, 9, 8, 7, 6, 3, 10, 10, 9]
    result = nps(scores)
    assert (result.promoters, result.passives, result.detractors, result.count) == (6, 2, 2, 10)
    assert result.score == 40.0
    assert nps([0, 6, 7, 8, 9, 10]).score == 0.0  # boundaries: 6 detracts, 7-8 pass, 9 promotes
    assert nps([6] * 4).score == -100.0
    assert result.low < 40 < result.high


def test_nps_out_of_range() -> None:
    with pytest.raises(InvalidValue, match=r"0\.\.10"):
        nps([11])


def test_mean_score_eight_point_nine_of_ten() -> None:
    result = mean_score([9, 10, 8, 9, 10, 9, 8, 9, 9, 8])
    assert result.value == pytest.approx(8.9)
    assert result.of == 10
    assert repr(result).startswith("Mean(8.90 of 10")
    assert mean_score(["отлично", "хорошо"], scale="5").value == 4.5


def test_ties_and_order_do_not_matter() -> None:
    a = csat([5, 4, 4, 1, 5], scale="5")
    b = csat([4, 5, 1, 5, 4], scale="5")
    assert a == b


def test_accumulators_pickle_and_merge() -> None:
    left, right = CSAT("3"), CSAT("3")
    left.add("Отлично")
    right.add_many(["Плохо", "Хорошо"])
    clone = pickle.loads(pickle.dumps(left))
    assert clone.result() == left.result()
    clone.merge(right)
    assert clone.result() == csat(["Отлично", "Плохо", "Хорошо"], scale="3")
    with pytest.raises(InvalidValue, match="different options"):
        CSAT("3").merge(CSAT("5"))
    with pytest.raises(SupportkitError):
        NPS().merge(CSAT("5"))  # type: ignore[arg-type]
    m = MeanScore()
    m.add(9)
    assert pickle.loads(pickle.dumps(m)).result() == m.result()


def test_pandas_series_input_and_to_pandas() -> None:
    import pandas as pd

    series = pd.Series(["Отлично", None, "Плохо", "Хорошо"])
    rate = csat(series, scale="3")
    assert (rate.successes, rate.count) == (2, 3)
    frame = rate.to_pandas()
    assert list(frame.columns) == ["value", "count", "successes", "low", "high"]
    assert frame.loc[0, "count"] == 3


def test_results_are_frozen_and_json_ready() -> None:
    rate = csat([5, 1])
    with pytest.raises(AttributeError):
        rate.value = 1.0  # type: ignore[misc]
    assert rate.to_dict()["count"] == 2
    assert set(nps([9]).to_dict()) == {
        "score",
        "promoters",
        "passives",
        "detractors",
        "count",
        "low",
        "high",
    }
    assert not math.isnan(mean_score([9, 10]).to_dict()["value"])


def test_builtin_scales() -> None:
    assert SCALES["3"].points == (1, 2, 3)
    assert SCALES["11"].points[0] == 0
    assert SCALES["5"].with_top(1).top == 1
