"""The words a command takes for a choice: each English code, and the Chinese words beside it.

Members type what they say: 支委会 as well as ``committee``. Each concept keeps its codes and
their Chinese words in one ``Keywords`` next to where the codes are defined; parsers ask it
which code a typed word names. Input is NFKC-normalized before (``bot.settings.normalize``).
"""

from __future__ import annotations

from collections.abc import Mapping


class Keywords:
    """The codes of one concept (in their order) and the words that name each.

    A code matches in any letter case (``Committee``); its Chinese words match exactly, as
    Chinese has no case. Other English words (``English`` for ``en``) match like the codes.
    """

    def __init__(self, words: Mapping[str, tuple[str, ...]]) -> None:
        self.codes = tuple(words)
        # The other words of each code, the one a usage line shows first.
        self.words = dict(words)
        self._by_word = {
            word.lower(): code for code, names in words.items() for word in (code, *names)
        }

    def code(self, word: str) -> str | None:
        """The code ``word`` names, or None."""
        return self._by_word.get(word.lower())
