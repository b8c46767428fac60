"""Mesa's simplest model, Boltzmann wealth exchange, as the cost floor of an agent-step in Mesa.

Every agent starts with one unit of wealth; each step the agents act in a random order
(`shuffle_do`) and each one with wealth gives one unit to another agent drawn at random. Nothing
is cheaper to step in Mesa, so an exodus agent-day (all mechanisms) below one Boltzmann agent-step
says that the column design pays.

Run it alone: `python -m benchmarks.boltzmann --agents 10000 --steps 100`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import mesa


class WealthAgent(mesa.Agent):
    """An agent with some wealth that it hands on one unit at a time."""

    def __init__(self, model: WealthModel) -> None:
        super().__init__(model)
        self.wealth = 1

    def step(self) -> None:
        if self.wealth <= 0:
            return
        everyone = self.model.agent_list
        other = everyone[self.random.randrange(len(everyone) - 1)]
        if other is self:  # the draw skips the giver: the last agent stands in for it
            other = everyone[-1]
        other.wealth += 1
        self.wealth -= 1


class WealthModel(mesa.Model):
    """`n` wealth agents; the list kept beside the AgentSet makes a random pick O(1)."""

    def __init__(self, n: int, *, rng: int | None = 42) -> None:
        super().__init__(rng=rng)
        self.agent_list = [WealthAgent(self) for _ in range(n)]

    def step(self) -> None:
        self.agents.shuffle_do("step")

    def gini(self) -> float:
        """Inequality of wealth (0 equal, near 1 one agent holds all)."""
        wealth = sorted(a.wealth for a in self.agent_list)
        n, total = len(wealth), sum(wealth)
        weighted = sum((i + 1) * w for i, w in enumerate(wealth))
        return (2 * weighted) / (n * total) - (n + 1) / n


def measure(agents: int, steps: int, seed: int = 42) -> dict:
    """Time `steps` steps of `agents` agents (building the model not counted)."""
    model = WealthModel(agents, rng=seed)
    started = time.perf_counter()
    for _ in range(steps):
        model.step()
    seconds = time.perf_counter() - started
    return {
        "agents": agents,
        "steps": steps,
        "agent_steps": agents * steps,
        "wall_seconds": seconds,
        "gini": model.gini(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args(argv)
    json.dump(measure(args.agents, args.steps), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
