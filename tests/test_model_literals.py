"""No behavioural number hides in the model code: every number with a modelling meaning is a
schema parameter (bounds, unit, evidence; `exodus explain` shows it, a sweep can vary it).

The test reads the source of every module under `exodus/model/` and lists its numeric literals.
0 and 1 (identities, empty arrays, shares of a whole) and tiny epsilons that guard a division pass
everywhere; every other literal must be on the short allow-list below with the reason it is not
behaviour (a unit conversion, an array shape, a code, a numerical guard). A new behavioural literal
fails the test: move it into `exodus/scenario/` as a `param(...)` and read it from the settings.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import exodus.model

MODEL_DIR = Path(exodus.model.__file__).parent
MODULES = sorted(p.name for p in MODEL_DIR.glob("*.py"))

TINY = 1e-6
"""Literals at most this large in magnitude are epsilons guarding a division or a comparison."""

CONVERSION = "a unit conversion of the calendar or of a per-1000 rate"
SHAPE = "an array shape, index, slice or count of codes (2 countries, 2 waves, 7 counters)"
LOGNORMAL = "x**2 / 2: the log-mean that keeps a log-normal's mean at 1 (arithmetic, not a value)"
STORAGE = "sizing of growable storage: a guess of rows to allocate, no effect on results"
CODE = "an integer code of a state (state.py) or an outside option (choice.py)"

ALLOWED: dict[str, dict[float, str]] = {
    "attitudes.py": {2: SHAPE, 4: SHAPE},
    "choice.py": {
        2: SHAPE + "; or n < 2: the anchor needs two towns to share between; or reach "
        "(2 / (1 + days))^power, which is 1 for a one-day trip: the unit onward_pull and home_pull "
        "are stated in (a normalisation)",
        3: CODE,
        200: "iteration cap of the anchor's fixed-point solver (it stops at 1e-9 first)",
    },
    "collective.py": {
        1000.0: CONVERSION,
        **dict.fromkeys((2, 3, 4, 5), SHAPE),
    },
    "compiled.py": {
        100_000: "MIN_ROWS: the model size from which the numba kernels run instead of numpy, "
        "which give the same bytes (a speed threshold, no effect on results)",
        500_000: "PARALLEL_ROWS: the model size from which the kernels run on threads, which give "
        "the same bytes (a speed threshold, no effect on results)",
        2: "the warning's stacklevel (points it at the caller; no effect on results)",
    },
    "flows.py": {
        0.5: "rounding to the nearest whole agent (floor(x + 0.5))",
        2: SHAPE + "; " + LOGNORMAL,
        1.2: STORAGE,
        64: STORAGE,
    },
    "groups.py": {
        1000000.0: "a sort-key stride separating groups (larger than any price or budget)",
        2: "half the sort-key stride",
    },
    "housing.py": {2: LOGNORMAL, 30.4: CONVERSION, 365.0: CONVERSION},
    "jobs.py": {
        365.0: CONVERSION,
        **dict.fromkeys(
            (2, 32),
            "OVERSAMPLE, MARGIN: how many seekers the hiring looks at first (a speed setting: "
            "the same hires with any values, no effect on results)",
        ),
    },
    "model.py": {1000: CONVERSION},
    "policies.py": {0.5: "a policy switches at half past a day: between two steps, not in one"},
    "population.py": {
        2: LOGNORMAL + "; uniform(0, 2 x mean) has the given mean",
        0.01: "keeps a Beta's mean off 0, where its parameters would vanish (a numerical guard)",
        0.99: "keeps a Beta's mean off 1 (a numerical guard)",
        20: "the fewest household agents a town gets at any scale: a sample-size floor for the "
        "agent resolution, not a property of the town",
    },
    "prices.py": {365.0: CONVERSION},
    "recorder.py": {4: "TIMESERIES_COLUMNS[4:]: the columns after date, day, town, country"},
    "state.py": {
        2: SHAPE + "; " + CODE,
        3: CODE,
        4: CODE,
        0.5: "a column's fill value, overwritten for every row when it is created",
        64: STORAGE,
    },
}
"""Per module, the literals that are not behaviour, with the reason."""


def literals(module: str) -> list[tuple[int, float]]:
    """(line, value) of every int or float literal in the module's code beyond 0, 1 and tiny
    epsilons; docstrings and comments hold no literals, True and False are not numbers."""
    return literals_in((MODEL_DIR / module).read_text("utf-8"))


def literals_in(source: str) -> list[tuple[int, float]]:
    """`literals` of a piece of source text."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or type(node.value) not in (int, float):
            continue
        value = node.value
        if value in (0, 1) or abs(value) <= TINY:
            continue
        found.append((node.lineno, value))
    return sorted(found)


def test_the_model_modules_are_found() -> None:
    assert {"attitudes.py", "housing.py", "flows.py", "choice.py"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_no_behavioural_literal_outside_the_schema(module: str) -> None:
    allowed = ALLOWED.get(module, {})
    stray = [f"line {line}: {value!r}" for line, value in literals(module) if value not in allowed]
    assert not stray, (
        f"model/{module} holds numbers that are not on the allow-list; make each a param(...) "
        f"in exodus/scenario/ (or, if it is not behaviour, allow it here with the reason): {stray}"
    )


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_allow_list_has_no_stale_entries(module: str) -> None:
    assert module in MODULES, f"no module model/{module}"
    used = {value for _, value in literals(module)}
    stale = [value for value in ALLOWED[module] if value not in used]
    assert not stale, f"model/{module} no longer holds {stale}: drop them from ALLOWED"


def test_the_scan_catches_a_behavioural_literal() -> None:
    """The scan itself: a number like the old 1.5 earners per household is reported; docstrings,
    0, 1, epsilons and booleans are not."""
    source = (
        '"""1.5 in a docstring is fine."""\n'
        "def wage(x, flag=True):\n"
        "    return max(x / 1.5, 1e-9) * 1.0 + 0  # 2.0 in a comment is fine\n"
    )
    assert literals_in(source) == [(3, 1.5)]
    assert 1.5 not in ALLOWED["model.py"]


MOVED = {
    "attitudes.owner_rent_factor": 1.0,
    "attitudes.landlord_rent_factor": 0.5,
    "attitudes.displaced_rent_threat": 4.0,
    "attitudes.employed_job_threat": 1.0,
    "attitudes.price_threat_cap": 1.0,
    "attitudes.contact_quality_neutral": 0.1,
    "attitudes.contact_quality_slope": 0.1,
    "attitudes.prior_limit": 0.2,
    "attitudes.initial_limit": 0.1,
    "attitudes.trait_concentration": 50.0,
    "flows.base_pull": 3.0,
    "flows.remote_income_sigma": 1.5,
    "flows.trait_concentration": 50.0,
    "flows.initial_days_in_min,flows.initial_days_in_max": (0, 3),
    "housing.savings_horizon_months": 30.0,
    "housing.ask_cut_sigma": 2.0,
    "housing.ask_cut_max": 0.01,
    "housing.short_stay_nights_paid": 60,
    "housing.full_use": 0.3,
    "housing.free_use": 0.0,
    "jobs.earners_per_household": 4.0,
    "jobs.income_sigma": 2.0,
    "prices.food_share": 0.0,
    "prices.alcohol_share": 1.0,
}
"""The numbers moved out of the model code into the schema, and a value each that should show."""


def _run(**overrides: object) -> tuple[list, list]:
    from exodus.model.model import ExodusModel

    model = ExodusModel(scenario="classroom", rng=1, **overrides)
    while model.running:
        model.step()
    return model.recorder.timeseries, model.recorder.events


@pytest.fixture(scope="module")
def classroom_run() -> tuple[list, list]:
    return _run()


@pytest.mark.parametrize("keys", list(MOVED))
def test_a_moved_number_is_read_from_the_settings(keys: str, classroom_run) -> None:
    """Each moved number is a real setting: changing it changes the run (so a sweep can vary it),
    where a forgotten literal in the code would leave the run as it was."""
    value = MOVED[keys]
    names = keys.split(",")
    values = value if len(names) > 1 else (value,)
    assert _run(**dict(zip(names, values, strict=True))) != classroom_run


OLD_VALUES = {
    "attitudes.owner_rent_factor": 0.3,
    "attitudes.landlord_rent_factor": -0.5,
    "attitudes.displaced_rent_threat": 1.5,
    "attitudes.employed_job_threat": 0.3,
    "attitudes.price_threat_cap": 2.0,
    "attitudes.contact_quality_neutral": 0.5,
    "attitudes.contact_quality_slope": 0.5,
    "attitudes.prior_limit": 3.0,
    "attitudes.initial_limit": 0.95,
    "attitudes.trait_concentration": 4.0,
    "flows.base_pull": 0.1,
    "flows.remote_income_sigma": 0.4,
    "flows.trait_concentration": 4.0,
    "flows.initial_days_in_min": 30,
    "flows.initial_days_in_max": 200,
    "housing.savings_horizon_months": 3.0,
    "housing.ask_cut_sigma": 0.6,
    "housing.ask_cut_max": 0.9,
    "housing.short_stay_nights_paid": 3,
    "housing.full_use": 0.95,
    "housing.free_use": 0.6,
    "jobs.earners_per_household": 1.5,
    "jobs.income_sigma": 0.6,
    "prices.food_share": 0.7,
    "prices.alcohol_share": 0.3,
}
"""The literals as they stood in the model code before they moved (issue 14)."""


def test_moved_numbers_keep_their_old_values_in_the_baseline() -> None:
    """Moved with its old value, a number leaves every output of the baseline as it was."""
    from exodus.scenario.loader import load_scenario

    baseline = load_scenario(Path(__file__).resolve().parents[1] / "scenarios/baseline_2022.yaml")
    for path, old in OLD_VALUES.items():
        section, name = path.split(".")
        assert getattr(getattr(baseline, section), name) == old, path
    moved = {name for keys in MOVED for name in keys.split(",")}
    assert moved == set(OLD_VALUES)
