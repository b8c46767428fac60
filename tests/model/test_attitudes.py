"""Attitudes: perceptions, contact and neighbour influence."""

from __future__ import annotations

import numpy as np
import pytest

from exodus.model.attitudes import message_effect
from exodus.model.model import ExodusModel
from exodus.scenario.loader import load_scenario
from exodus.scenario.schema import Attitudes
from tests.model.conftest import BASELINE, run_model

P = Attitudes()


def test_negative_messages_persuade_more_than_positive_ones():
    listener = np.zeros(2)
    down, up = message_effect(listener, np.array([-0.3, 0.3]), np.ones(2), P)
    assert down < 0 < up
    assert abs(down) == pytest.approx(P.negativity_bias * up)


def test_far_messages_and_other_groups_persuade_less():
    near, far = message_effect(np.zeros(2), np.array([-0.3, -1.0]), np.ones(2), P)
    assert abs(far) / 1.0 < abs(near) / 0.3  # per unit of distance, the far message moves less
    same, other = message_effect(
        np.zeros(2), np.full(2, -0.3), np.array([1.0, P.cross_group_credibility]), P
    )
    assert abs(other) == pytest.approx(P.cross_group_credibility * abs(same))


def test_attitudes_are_stationary_before_anything_changes():
    """With no arrivals at all, households keep their surveyed attitudes on average."""
    scenario = load_scenario(
        BASELINE,
        [
            "scale=0.003",
            "end=2022-09-30",
            "flows.mobilised_scale=0",
            "flows.relocant_per_day={KZ: 0, KG: 0}",
        ],
    )
    model = ExodusModel(scenario)
    start = model.households.view("attitude").copy()
    for _ in range(model.n_days):
        model.step()
    assert model.households.view("attitude").mean() == pytest.approx(start.mean(), abs=0.05)


@pytest.mark.parametrize(("threshold", "sign"), [(0.0, 1), (0.9, -1)])
def test_living_with_a_guest_moves_the_hosts_disposition(threshold, sign):
    scenario = load_scenario(
        BASELINE,
        ["scale=0.005", "end=2022-10-31", f"attitudes.contact_quality_threshold={threshold}"],
    )
    model = ExodusModel(scenario)
    prior = model.households.view("prior").copy()
    for _ in range(model.n_days):
        model.step()
    hh = model.households
    hosted = hh.view("hosted_days") > 0
    assert hosted.sum() > 5
    # day 0 shifts every prior by the same drive as its neighbours; hosting adds to that
    moved = (hh.view("prior") - prior)[hosted].mean() - (hh.view("prior") - prior)[~hosted].mean()
    assert sign * moved > 0


def test_attitudes_stay_within_bounds():
    model = run_model(load_scenario(BASELINE, ["scale=0.003", "end=2022-10-31"]))
    a = model.households.view("attitude")
    assert a.min() >= -1.0 and a.max() <= 1.0
