"""Sweeps: experiment files run over scenarios, parameter values and replicates, on all local
cores or a Dask cluster, stored run by run so a stopped sweep resumes; reports with bands and
sensitivity indices."""
