"""Scheduled work: what the bot posts by itself, run by the scheduler leader only.

Each kind is rebuilt from the database when this instance becomes the leader (``bot.leader``)
and dropped when it stops being one.

Each module of ``JOBS`` has one ``install(application)``; ``start`` calls them in this order.
Schedule changes made on an instance that does not lead reach the leader through
``handlers.jobs.changes``.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from handlers.jobs import checkin, menus, sends, summary

JOBS = (sends, checkin, summary, menus)


async def start(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Install every kind of job (this instance leads)."""
    for job in JOBS:
        await job.install(application)


def stop(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Drop every job: the new leader rebuilds them all from the database."""
    application.job_queue.scheduler.remove_all_jobs()
