"""Speed benchmarks of exodus against a plain-Mesa reference and Mesa's Boltzmann wealth model.

`python -m benchmarks.run` is the one command; see README.md and benchmarks/RESULTS.md.
"""
