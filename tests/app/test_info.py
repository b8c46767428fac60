"""The Info tab is written for this model, in the sections NetLogo's Info tab has."""

from __future__ import annotations

from exodus.app.info import INFO_MARKDOWN
from exodus.app.knobs import KNOBS, POLICY_LABEL

SECTIONS = (
    "WHAT IS IT?",
    "HOW IT WORKS",
    "HOW TO USE IT",
    "THINGS TO NOTICE",
    "THINGS TO TRY",
    "EXTENDING THE MODEL",
    "CREDITS AND REFERENCES",
)


def test_sections_in_order() -> None:
    positions = [INFO_MARKDOWN.find(f"## {section}") for section in SECTIONS]
    assert -1 not in positions and positions == sorted(positions)
    assert "How to cite" in INFO_MARKDOWN


def test_it_names_the_controls_the_page_has() -> None:
    for name in (
        "Reset",
        "Step",
        "▶ Play",
        "Speed",
        "seed",
        "Clear the faded curves",
        "keep it for the next runs",
        "Download the run so far",
    ):
        assert name in INFO_MARKDOWN, name
    labels = [knob.label for knob in KNOBS] + list(POLICY_LABEL.values())
    named = [label for label in labels if label in INFO_MARKDOWN]
    assert len(named) >= 5, f"the Info tab names only {named} of the page's sliders"
