"""The dataclasses of the seeded demo tasks, as flytekit code: shared by the seed's oracle and the golden suite."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional


@dataclass
class Params:
    learning_rate: float
    epochs: int


@dataclass
class Experiment:
    params: Params
    notes: Optional[str]
    scores: List[float]
    labels: Dict[int, str]
