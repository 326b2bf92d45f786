"""Scheduled work: what the bot posts by itself, each kind rebuilt from the database at start.

Each module has one ``install(application)``; the assembly calls them in this order.
"""

from __future__ import annotations

from handlers.jobs import checkin, menus, sends, summary

JOBS = (sends, checkin, summary, menus)
