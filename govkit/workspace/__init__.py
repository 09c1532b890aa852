"""Where govkit keeps its working files: the shared ledger and a result cache.

Notebooks run on their own, in any order, on a fresh kernel. What one needs
from an earlier stage it recomputes deterministically through govkit, and
:func:`cached` keeps the slow results (a privacy sweep, a mitigated model) on
disk, keyed by a fingerprint of the data and the parameters.
"""

from ._cache import cached, clear_cache
from ._paths import cache_dir, ledger_path, workspace_dir

__all__ = ["cache_dir", "cached", "clear_cache", "ledger_path", "workspace_dir"]
