"""Every label rule and exclusion reason on hand-made OAI and MOST files."""

from __future__ import annotations

import pandas as pd
import pytest
from oa_tasks import HorizonRule, LabelConfig, LabelDefinitionError, build_labels, read_cohort

VISITS = ("00", "01", "03", "05", "06", "08")
FILLER = {("9000999", "R", v, "37"): "1" for v in VISITS}
PID = "9000001"
P = ".P: Missing due to knee prosthesis"


def knee(values: dict[str, str], project: str = "37", side: str = "R") -> dict:
    return {(PID, side, visit, project): value for visit, value in values.items()}


def outcome_of(oai_files, task, values, outcomes=None, config=None):  # type: ignore[no-untyped-def]
    root = oai_files({**FILLER, **values}, outcomes, visits=VISITS)
    result = build_labels(read_cohort("oai", root), task, config or LabelConfig())
    labels = result.labels.set_index(["participant_id", "side"])
    if (PID, "R") in labels.index:
        return int(labels.loc[(PID, "R"), "label"])
    exclusions = result.exclusions.set_index(["participant_id", "side"])
    return str(exclusions.loc[(PID, "R"), "reason"])


INCIDENCE_CASES = {
    "kl_event": (knee({"00": "1", "03": "2", "06": "2"}), None, 1),
    "kl_event_then_censored": (knee({"00": "0", "03": "2"}), None, 1),
    "zero_to_one_is_not_incidence": (knee({"00": "0", "03": "1", "06": "1"}), None, 0),
    "stable": (knee({"00": "1", "06": "1"}), None, 0),
    "event_after_horizon_only": (knee({"00": "1", "06": "1", "08": "3"}), None, 0),
    "prosthesis_code_is_event": (knee({"00": "1", "03": "1", "05": P, "06": P}), None, 1),
    "replacement_within_horizon": (
        knee({"00": "1", "03": "1"}),
        {(PID, "R"): {"days": 1000, "vspr": 3}},
        1,
    ),
    "replacement_on_horizon_day": (
        knee({"00": "1", "03": "1"}),
        {(PID, "R"): {"days": 1461, "vspr": 5}},
        1,
    ),
    "replacement_after_horizon": (
        knee({"00": "1", "06": "1"}),
        {(PID, "R"): {"days": 1600, "vspr": 6}},
        0,
    ),
    "replacement_after_horizon_censored": (
        knee({"00": "1", "05": "1"}),
        {(PID, "R"): {"days": 1600, "vspr": 6}},
        "censored_before_horizon",
    ),
    "unconfirmed_replacement_ignored": (
        knee({"00": "1", "06": "1"}),
        {(PID, "R"): {"days": 1000, "rpcf": "1: Replacement reported, not adjudicated"}},
        0,
    ),
    "censored": (knee({"00": "1", "01": "1", "03": "1"}), None, "censored_before_horizon"),
    "technical_at_horizon_is_censored": (
        knee({"00": "1", "06": ".T: Technical Problems"}),
        None,
        "censored_before_horizon",
    ),
    "missing_baseline": (knee({"01": "1", "06": "2"}), None, "missing_baseline_kl"),
    "missing_code_at_baseline": (
        knee({"00": ".: Missing Form/Incomplete Workbook", "06": "2"}),
        None,
        "missing_baseline_kl",
    ),
    "baseline_prosthesis_code": (knee({"00": P, "06": P}), None, "baseline_replacement"),
    "baseline_replacement_outcome": (
        knee({"00": "1", "06": "1"}),
        {(PID, "R"): {"baseline": True}},
        "baseline_replacement",
    ),
    "not_eligible": (knee({"00": "2", "06": "3"}), None, "baseline_kl_not_eligible"),
    "partial_replacement_excluded": (
        knee({"00": "1", "03": "1", "05": P}),
        {(PID, "R"): {"days": 1000, "kind": "partial"}},
        "partial_replacement_within_horizon",
    ),
    "timing_unknown": (
        knee({"00": "1", "03": "1"}),
        {(PID, "R"): {"days": None, "vspr": 3}},
        "replacement_timing_unknown",
    ),
    "timing_unknown_but_native_at_horizon": (
        knee({"00": "1", "03": "1", "06": "1"}),
        {(PID, "R"): {"days": None, "vspr": 3}},
        0,
    ),
    "timing_known_after_from_last_visit": (
        knee({"00": "1", "05": "1"}),
        {(PID, "R"): {"days": None, "vspr": 6}},
        "censored_before_horizon",
    ),
}


@pytest.mark.parametrize(
    ("values", "outcomes", "expected"), INCIDENCE_CASES.values(), ids=INCIDENCE_CASES
)
def test_incidence_rules(oai_files, values, outcomes, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome_of(oai_files, "incidence", values, outcomes) == expected


PROGRESSION_CASES = {
    "increase": (knee({"00": "2", "05": "3", "06": "3"}), None, 1),
    "falls_back_is_not_progression": (knee({"00": "2", "03": "1", "06": "1"}), None, 0),
    "stable": (knee({"00": "2", "06": "2"}), None, 0),
    "replacement": (knee({"00": "2", "03": "2"}), {(PID, "R"): {"days": 700, "vspr": 3}}, 1),
    "prosthesis_code": (knee({"00": "2", "06": P}), None, 1),
    "baseline_three_not_eligible": (knee({"00": "3", "06": "4"}), None, "baseline_kl_not_eligible"),
    "baseline_one_not_eligible": (knee({"00": "1", "06": "2"}), None, "baseline_kl_not_eligible"),
    "censored": (knee({"00": "2", "05": "2"}), None, "censored_before_horizon"),
}


@pytest.mark.parametrize(
    ("values", "outcomes", "expected"), PROGRESSION_CASES.values(), ids=PROGRESSION_CASES
)
def test_progression_rules(oai_files, values, outcomes, expected) -> None:  # type: ignore[no-untyped-def]
    assert outcome_of(oai_files, "progression", values, outcomes) == expected


def test_partial_replacement_counts_when_asked(oai_files) -> None:  # type: ignore[no-untyped-def]
    values = knee({"00": "1", "03": "1", "05": P})
    outcomes = {(PID, "R"): {"days": 1000, "kind": "partial"}}
    config = LabelConfig(count_partial_replacement=True)
    assert outcome_of(oai_files, "incidence", values, outcomes, config) == 1


def test_duplicate_readings_follow_priority(oai_files) -> None:  # type: ignore[no-untyped-def]
    values = {
        **knee({"00": "1", "06": "2"}, project="15"),
        **knee({"00": "1", "06": "1"}, project="37"),
    }
    assert outcome_of(oai_files, "incidence", values) == 1
    root = oai_files({**FILLER, **values}, visits=VISITS, name="again")
    from oa_tasks import ReadingPriority

    data = read_cohort("oai", root, priority=ReadingPriority(projects=("37", "15")))
    labels = build_labels(data, "incidence").labels.set_index(["participant_id", "side"])
    assert int(labels.loc[(PID, "R"), "label"]) == 0
    conflicts = data.report.conflicts
    assert len(conflicts) == 1
    assert conflicts.iloc[0]["chosen_project"] == "37"
    assert data.report.duplicate_readings == 2  # baseline (agreeing) and 48 months (conflicting)


def test_graded_duplicate_beats_missing_one(oai_files) -> None:  # type: ignore[no-untyped-def]
    values = {
        **knee({"00": "1", "06": ".T: Technical Problems"}, project="15"),
        **knee({"00": "1", "06": "1"}, project="42"),
    }
    assert outcome_of(oai_files, "incidence", values) == 0


def test_event_source_and_month(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files(
        {**FILLER, **knee({"00": "1", "03": "2", "06": P})},
        {(PID, "R"): {"days": 1300}},
        visits=VISITS,
    )
    labels = build_labels(read_cohort("oai", root), "incidence").labels.set_index("participant_id")
    row = labels.loc[PID]
    assert row["event_source"] == "kl+prosthesis_code+replacement"
    assert row["event_month"] == 24
    assert row["barcode"].startswith("0166")


def test_exact_horizon_without_that_visit_is_an_error(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files({**FILLER, **knee({"00": "1"})}, visits=("00", "05", "08"))
    data = read_cohort("oai", root)
    with pytest.raises(LabelDefinitionError, match=r"48-month horizon.*\[36, 72\]"):
        build_labels(data, "incidence")
    nearest = build_labels(data, "incidence", LabelConfig(horizon_rule=HorizonRule.NEAREST))
    assert nearest.horizon_visit_month == 36  # 12 months away, against 24 for the 72-month visit


def test_other_horizons(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files({**FILLER, **knee({"00": "1", "03": "2", "06": "2"})}, visits=VISITS)
    data = read_cohort("oai", root)
    short = build_labels(data, "incidence", LabelConfig(horizon_months=12))
    assert short.horizon_visit_month == 12
    assert (
        short.exclusions.set_index("participant_id").loc[PID, "reason"] == "censored_before_horizon"
    )
    two_year = build_labels(data, "incidence", LabelConfig(horizon_months=24))
    assert int(two_year.labels.set_index("participant_id").loc[PID, "label"]) == 1


def test_unknown_task(oai_files) -> None:  # type: ignore[no-untyped-def]
    data = read_cohort("oai", oai_files(FILLER, visits=VISITS))
    with pytest.raises(LabelDefinitionError, match="unknown task 'tkr'"):
        build_labels(data, "tkr")


def test_kl_task_baseline_and_all_visits(oai_files) -> None:  # type: ignore[no-untyped-def]
    values = {
        **knee({"00": "2", "01": "8", "03": P}),
        **knee({"01": "1"}, side="L"),
    }
    data = read_cohort("oai", oai_files({**FILLER, **values}, visits=VISITS))
    baseline = build_labels(data, "kl")
    by_knee = baseline.labels.set_index(["participant_id", "side"])
    assert int(by_knee.loc[(PID, "R"), "label"]) == 2
    assert (by_knee["visit_month"] == 0).all()
    excluded = baseline.exclusions.set_index(["participant_id", "side"])
    assert excluded.loc[(PID, "L"), "reason"] == "missing_kl"
    every = build_labels(data, "kl", LabelConfig(kl_visits="all"))
    rows = every.exclusions[every.exclusions["participant_id"] == PID].set_index(
        ["side", "visit_month"]
    )
    assert rows.loc[("R", 12), "reason"] == "non_grade_kl_code"
    assert rows.loc[("R", 24), "reason"] == "prosthesis"
    included = every.labels[every.labels["participant_id"] == PID].set_index(
        ["side", "visit_month"]
    )
    assert int(included.loc[("L", 12), "label"]) == 1
    assert pd.isna(included.loc[("L", 12), "baseline_kl"])
    assert int(included.loc[("R", 0), "baseline_kl"]) == 2
    assert data.report.unknown_kl_codes[("kXR_SQ_BU01.txt", "V01XRKL", "8")] == 1


def test_exclusion_report_counts(oai_files) -> None:  # type: ignore[no-untyped-def]
    values = {**knee({"00": "3"}), **knee({"00": "1", "03": "1"}, side="L")}
    result = build_labels(
        read_cohort("oai", oai_files({**FILLER, **values}, visits=VISITS)), "incidence"
    )
    report = result.exclusion_report().set_index("reason")["n_knees"].to_dict()
    assert report == {"baseline_kl_not_eligible": 1, "censored_before_horizon": 1}
    assert len(result.labels) == 1  # the filler knee


MOST_PID = "MA00001"


def most_outcome(most_files, task, values, replacements=None, deaths=None, config=None):  # type: ignore[no-untyped-def]
    filler = {("MB00002", "R", v): "1" for v in ("0", "1", "2", "3", "5")}
    kl = {**filler, **{(MOST_PID, "R", v): value for v, value in values.items()}}
    result = build_labels(read_cohort("most", most_files(kl, replacements, deaths)), task, config)
    labels = result.labels.set_index(["participant_id", "side"])
    if (MOST_PID, "R") in labels.index:
        return int(labels.loc[(MOST_PID, "R"), "label"]), result.horizon_visit_month
    reason = result.exclusions.set_index(["participant_id", "side"]).loc[(MOST_PID, "R"), "reason"]
    return reason, result.horizon_visit_month


MOST_CASES = {
    "horizon_is_60_months": ({"0": "1", "3": "1"}, None, None, (0, 60)),
    "event_at_30": ({"0": "1", "2": "2"}, None, None, (1, 60)),
    "event_at_84_is_outside": ({"0": "1", "3": "1", "5": "3"}, None, None, (0, 60)),
    "replacement_by_visit_index": ({"0": "1", "1": "1"}, {(MOST_PID, "R"): 3}, None, (1, 60)),
    "replacement_after_horizon": ({"0": "1", "3": "1"}, {(MOST_PID, "R"): 5}, None, (0, 60)),
    "replacement_at_baseline": (
        {"0": ""},
        {(MOST_PID, "R"): 0},
        None,
        ("baseline_replacement", 60),
    ),
    "death_before_horizon": (
        {"0": "1", "1": "1"},
        None,
        {MOST_PID: 3},
        ("died_before_horizon", 60),
    ),
    "event_before_death": ({"0": "1", "1": "2"}, None, {MOST_PID: 3}, (1, 60)),
    "non_grade_code_at_baseline": ({"0": "9", "3": "1"}, None, None, ("missing_baseline_kl", 60)),
}


@pytest.mark.parametrize(
    ("values", "repl", "deaths", "expected"), MOST_CASES.values(), ids=MOST_CASES
)
def test_most_rules(most_files, values, repl, deaths, expected) -> None:  # type: ignore[no-untyped-def]
    assert most_outcome(most_files, "incidence", values, repl, deaths) == expected


def test_most_other_horizon_rule(most_files) -> None:  # type: ignore[no-untyped-def]
    config = LabelConfig(horizon_rule=HorizonRule.LAST_AT_OR_BEFORE)
    assert most_outcome(most_files, "incidence", {"0": "1", "2": "1"}, config=config) == (0, 30)
