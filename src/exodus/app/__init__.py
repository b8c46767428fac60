"""The classroom page: `exodus app` serves the model in a Solara page built for a projector, so a
class can press reset, step and play, move a slider and watch rents and tension change town by town,
with the previous run faded behind for comparison.

The page itself (solara, Mesa's visualisation) is imported only by `exodus.app.page`; the model
wrapper, the slider specs and the drawings are plain Python, usable and testable without a browser.
"""
