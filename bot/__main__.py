"""``python -m bot`` does what the ``branchbot`` console script does."""

import sys

from bot.cli import main

sys.exit(main())
