"""Scenario files: the strict schema and the loader (extends, overrides, readable errors)."""

from exodus.scenario.schema import Scenario

__all__ = ["Scenario"]
