"""The classroom page: `exodus app` serves the model in Mesa's SolaraViz, so a class can press reset,
step and play, move a slider and watch rents and tension change town by town.

The page itself (solara, Mesa's visualisation) is imported only by `exodus.app.page`; the model
wrapper, the slider specs and the drawings are plain Python, usable and testable without a browser.
"""
