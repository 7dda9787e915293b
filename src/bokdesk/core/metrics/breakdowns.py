"""Breakdowns: a dimension's groups as rows, with their open load, names and the agents' activity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .activity import Activity
from .families import CODES, OTHER
from .figures import Figures
from .sql import AGENT, DIMENSIONS, TEAM


@dataclass
class Row:
    """One line of a breakdown: a dimension value with its figures."""

    key: Any
    label: str
    figures: Figures
    open: int = 0
    at_risk: int = 0
    breached: int = 0
    activity: Activity | None = None
    login: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = {
            "key": self.key,
            "label": self.label,
            **self.figures.to_json(),
            "backlog": {"open": self.open, "at_risk": self.at_risk, "breached": self.breached},
        }
        if self.activity is not None:
            data["activity"] = self.activity.to_json()
        if self.login is not None:
            data["login"] = self.login
        return data


def read_labels(conn: Connection) -> dict[str, dict[Any, tuple[str, str | None]]]:
    agents = {
        row.id: (row.name, row.login) for row in conn.execute(select(AGENT.c.id, AGENT.c.name, AGENT.c.login))
    }
    teams = {row.id: (row.name, None) for row in conn.execute(select(TEAM.c.id, TEAM.c.name))}
    return {"agent": agents, "team": teams}


def breakdown_rows(
    name: str,
    groups: dict[Any, Figures],
    open_by_key: dict[tuple[Any, ...], dict[str, int]],
    labels: dict[str, dict[Any, tuple[str, str | None]]],
    activity: dict[int, Activity],
) -> list[Row]:
    index = DIMENSIONS.index(name)
    loads: dict[Any, dict[str, int]] = {}
    for key, cell in open_by_key.items():
        value = key[index]
        if name not in ("agent", "team") and value not in CODES[name]:
            value = OTHER
        target = loads.setdefault(value, {"open": 0, "at_risk": 0, "breached": 0})
        for field_name, n in cell.items():
            target[field_name] += n
    keys = set(groups) | set(loads)
    if name in ("agent", "team"):
        keys |= set(labels[name])
    if name == "agent":
        keys |= set(activity)
    rows = []
    for key in keys:
        label, login = labels.get(name, {}).get(key, (None, None))
        if label is None:
            label = "—" if key is None else str(key)
        load = loads.get(key, {})
        rows.append(
            Row(
                key,
                label,
                groups.get(key, Figures()),
                load.get("open", 0),
                load.get("at_risk", 0),
                load.get("breached", 0),
                activity.get(key, Activity()) if name == "agent" else None,
                login if name == "agent" else None,
            )
        )
    rows.sort(key=lambda r: (-r.figures.solved, -r.open, r.label))
    return rows
