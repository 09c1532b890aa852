"""govkit: a Jupyter workbook for AI governance.

The package backs the numbered notebooks in ``notebooks/``: one subpackage per
stage of the governance pipeline (``datasets``, ``anonymization``, ``privacy``,
``fairness``, ``explain``, ``ledger``, ``widgets``). Import the stage you need,
for example ``from govkit.datasets import load_adult``.
"""

__version__ = "0.1.0"
