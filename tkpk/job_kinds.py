"""The registry of job kinds: who handles a kind, its label, its time limit and who sees its jobs.

It imports no model, so that models and querysets can read it (a job's title, the roles a job is
visible to) without importing the job service. Apps register their kinds with `@job_kind(...)`
in their `job_handlers.py`; `tkpk.jobs` re-exports `job_kind` for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .roles import ROLES


@dataclass(frozen=True)
class JobKind:
    """A registered kind of job.

    `visible_to`: the roles whose every member sees every job of this kind, including a job
    started by Celery beat (no starter). Whoever started a job and Admin always see it.
    `follows`: the topics ("registry", "programs", "meetings", ...) whose changes start a job
    of this kind (tkpk.jobs.data_changed), as a rollup follows the data it sums up.
    """

    name: str
    label: Any
    handler: Callable[..., Any]
    time_limit: int
    visible_to: frozenset[str] = frozenset()
    follows: frozenset[str] = frozenset()


_KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str,
    *,
    label,
    time_limit: int | None = None,
    visible_to: Iterable[str] = (),
    follows: Iterable[str] = (),
):
    """Register the decorated function as the handler of jobs of kind `name`.

    `visible_to`: role names (tkpk.roles) whose members see every job of this kind; by default
    only the user who started a job and Admin see it, the right thing for personal data.
    """
    roles = frozenset(visible_to)
    unknown = roles - set(ROLES)
    if unknown:
        raise ValueError(f"Job kind {name!r}: unknown roles {sorted(unknown)}; known: {ROLES}")

    def register(handler):
        _KINDS[name] = JobKind(
            name=name,
            label=label,
            handler=handler,
            time_limit=time_limit or settings.CELERY_TASK_TIME_LIMIT,
            visible_to=roles,
            follows=frozenset(follows),
        )
        return handler

    return register


def job_kind_label(name: str) -> str:
    kind = _KINDS.get(name)
    return str(kind.label) if kind else name


def registered_kinds() -> dict[str, JobKind]:
    return dict(_KINDS)


def kinds_following(topic: str) -> list[str]:
    """The names of the kinds that a change of `topic` starts."""
    return sorted(name for name, kind in _KINDS.items() if topic in kind.follows)


def kinds_visible_to(role: str | None) -> list[str]:
    """The names of the kinds whose jobs every member of `role` sees, whoever started them."""
    if not role:
        return []
    return sorted(name for name, kind in _KINDS.items() if role in kind.visible_to)
