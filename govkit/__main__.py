"""``python -m govkit``: see :mod:`govkit.cli`."""

import sys

from govkit.cli import main

sys.exit(main())
