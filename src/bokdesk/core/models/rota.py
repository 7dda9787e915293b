"""Agents' weekly timetables and absences (schema 0006)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel


class AgentShift(SQLModel, table=True):
    """One block of an agent's weekly timetable (schema 0006), in the desk's local time: weekday
    0 (Monday) .. 6, minutes from local midnight; an end past 1440 runs into the next day. An agent
    with no block follows the desk's opening hours (core/shifts)."""

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="agent.id", index=True)
    weekday: int
    start_minute: int
    end_minute: int


class AgentAbsence(SQLModel, table=True):
    """Whole local days an agent is away, first to last (schema 0006): leave, sick, training, other."""

    __table_args__ = (Index("ix_agentabsence_last_day", "last_day"),)

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="agent.id", index=True)
    first_day: date
    last_day: date
    kind: str = Field(max_length=20)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    recorded_by_id: int | None = Field(default=None, foreign_key="agent.id")
    recorded_by: str = Field(max_length=120)
    recorded_at: datetime
