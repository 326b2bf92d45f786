"""Typed errors: services raise them, one error handler turns them into localized replies."""

from typing import Any


class BranchbotError(Exception):
    """Base of every error branchbot raises on purpose."""


class UserError(BranchbotError):
    """Bad input, a refused action or something not found: the user is told why.

    Attributes:
        key: the message catalog key of the explanation.
        params: values substituted into the catalog text.
    """

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
