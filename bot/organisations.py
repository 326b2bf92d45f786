"""Organisations: created by operators, joined by branches through their code."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from bot.errors import UserError
from bot.settings import as_written
from storage import Storage
from storage.models import Organisation

logger = logging.getLogger(__name__)

# No 0/O or 1/I: the code is read aloud and typed from chat messages.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_NAME_LENGTH = 100


def new_code() -> str:
    """Return a random organisation code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class OrganisationService:
    """Creating organisations."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def create(
        self, *, name: str, admin_user_id: int, request_key: str, now: datetime
    ) -> Organisation:
        """Create an organisation with a fresh code; the same request twice creates one.

        Raises:
            UserError: the name is empty or too long.
        """
        name = as_written(name)  # a name is free text: its 全角 punctuation stays
        if not name or len(name) > MAX_NAME_LENGTH:
            raise UserError("org_add.usage")
        organisation = await self._storage.organisations.create(
            name=name,
            draw_code=new_code,
            admin_user_id=admin_user_id,
            created_key=request_key,
            now=now,
        )
        logger.info("organisation %s created by %s", organisation.id, admin_user_id)
        return organisation
