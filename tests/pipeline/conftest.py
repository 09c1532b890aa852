"""Small CSVs and configs written in the test, for quick end-to-end runs of the pipeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

REGIONS = ["北京", "上海", "广州", "成都"]


def chinese_loans(n: int = 300, *, random_state: int = 0) -> pd.DataFrame:
    """A small loan table with Chinese column names and values (性别 男/女, 是否还款 是/否)."""
    rng = np.random.default_rng(random_state)
    sex = rng.choice(["男", "女"], size=n)
    age = rng.integers(20, 65, size=n)
    income = rng.integers(2000, 30000, size=n)
    region = rng.choice(REGIONS[:3], size=n)  # the fourth region appears in no row
    logit = 0.0001 * (income - 12000) + 0.03 * (age - 40) + 0.3
    repaid = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "是", "否")
    return pd.DataFrame({"性别": sex, "年龄": age, "收入": income, "地区": region, "是否还款": repaid})


def quick_settings(csv_name: str = "loans.csv", *, name: str = "贷款示例") -> dict:
    """Settings for chinese_loans: every stage at its quickest (logistic regression, DP-SGD)."""
    return {
        "name": name,
        "random_state": 0,
        "data": {
            "path": csv_name,
            "test_size": 0.3,
            "target": "是否还款",
            "positive_label": "是",
            "protected": ["性别"],
            "quasi_identifiers": ["年龄", "性别", "地区"],
            "licence": "CC0 (generated in the test)",
        },
        "model": {"kind": "logistic_regression", "intended_use": "测试 (testing only)",
                  "limitations": "Synthetic data.", "licence": "CC0"},
        "anonymization": {"k": 5, "method": "mondrian", "max_suppression": 0.05},
        "privacy": {
            "epsilon": 3.0, "delta": 1e-6, "model": "dp_sgd_logistic", "model_epsilon": 1.0,
            "public_domain": {
                "numeric": {"年龄": [18, 100], "收入": [0, 50000]},
                "categorical": {"性别": ["男", "女"], "地区": REGIONS},
                "source": "application form",
            },
        },
        "fairness": {"mitigation": "threshold_optimizer", "constraint": "demographic_parity"},
        "explain": {"rows": 3},
    }


def write_case(folder: Path, frame: pd.DataFrame | None = None, settings: dict | None = None, *,
               encoding: str = "gb18030", csv_name: str = "loans.csv") -> Path:
    """Write the CSV (in ``encoding``) and its config into ``folder``; return the config's path."""
    folder.mkdir(parents=True, exist_ok=True)
    frame = chinese_loans() if frame is None else frame
    (folder / csv_name).write_bytes(frame.to_csv(index=False).encode(encoding))
    settings = quick_settings(csv_name) if settings is None else settings
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
