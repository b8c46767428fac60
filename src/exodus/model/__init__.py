"""The simulation: agent state as numpy columns, one module per mechanism, stepped one day at a time."""
