"""Calibration and validation against observed figures: targets, scores, and ABC fitting."""
