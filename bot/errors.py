"""Typed errors: services raise them, one error handler turns them into localized replies."""

from typing import Any


class BranchbotError(Exception):
    """Base of every error branchbot raises on purpose."""


class UserError(BranchbotError):
    """Bad input, a refused action or something not found: the user is told why.

    Attributes:
        key: the message catalog key of the explanation.
        usage: the catalog key of the command's usage line and example, shown after the
            explanation when the problem is a malformed argument (None: no usage shown).
        params: values substituted into the catalog text.
    """

    def __init__(self, key: str, *, usage: str | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.usage = usage
        self.params = params
