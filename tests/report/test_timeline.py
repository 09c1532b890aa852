"""Timeline and privacy-budget views of a ledger, on small hand-made ledgers."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from govkit.ledger import Ledger
from govkit.report import (
    budget_over_time,
    plot_budget_over_time,
    plot_timeline,
    stage_summary,
    timeline_frame,
)


def _charge(ledger: Ledger, name: str, epsilon: float, spent: float, naive: float,
            operation: str = "dp_count", total: float = 3.0) -> None:
    ledger.append(
        "privacy", operation,
        parameters={"budget_name": name, "budget_epsilon": total, "budget_delta": 1e-5,
                    "epsilon": epsilon, "query": operation.removeprefix("dp_"),
                    "accountant": "pld"},
        metrics={"epsilon_spent": epsilon, "budget_spent_epsilon": spent,
                 "budget_naive_sum_epsilon": naive, "budget_remaining_epsilon": total - spent},
    )


@pytest.fixture
def small(ledger):
    ledger.append("datasets", "load", metrics={"rows": 100})
    ledger.append("anonymization", "anonymize", metrics={"k": 10})
    _charge(ledger, "adult-train", 1.0, 1.0, 1.0)
    _charge(ledger, "adult-train", 1.0, 1.7, 2.0, "dp_mean")
    ledger.append("fairness", "group_report", metrics={"rows": 50})
    _charge(ledger, "adult-train", 0.5, 0.5, 0.5)  # the notebook ran again: a fresh budget
    _charge(ledger, "other", 2.0, 2.0, 2.0, "train_private_model")
    return ledger


def test_timeline_frame_numbers_records_from_one_and_shows_the_chain(small):
    frame = timeline_frame(small)
    assert frame["record"].tolist() == list(range(1, 8))
    assert frame["stage"].tolist()[:3] == ["datasets", "anonymization", "privacy"]
    assert (frame["prev_hash"].iloc[1:].to_numpy() == frame["hash"].iloc[:-1].to_numpy()).all()
    assert str(frame["timestamp"].dt.tz) == "UTC"


def test_timeline_accepts_a_path_and_a_list_of_records(small):
    from_path = timeline_frame(small.path)
    from_list = timeline_frame(small.records())
    pd.testing.assert_frame_equal(from_path, from_list)


def test_timeline_skips_lines_that_do_not_parse(small, tmp_path):
    damaged = tmp_path / "damaged.jsonl"
    lines = small.path.read_text().splitlines()
    lines[2] = lines[2][:40]
    damaged.write_text("\n".join(lines) + "\n")
    assert len(timeline_frame(damaged)) == len(lines) - 1


def test_bad_inputs_say_what_to_pass(tmp_path):
    with pytest.raises(TypeError, match="workbook_ledger"):
        timeline_frame(42)
    with pytest.raises(FileNotFoundError, match="run a notebook"):
        timeline_frame(tmp_path / "missing.jsonl")
    with pytest.raises(ValueError, match="'time'"):
        plot_timeline([], x="clock")


def test_stage_summary_orders_stages_as_the_pipeline_runs_them(small):
    summary = stage_summary(small)
    assert summary.index.tolist() == ["datasets", "anonymization", "privacy", "fairness"]
    assert summary.loc["privacy", "records"] == 4
    assert summary.loc["privacy", "operations"] == "dp_count ×2, dp_mean, train_private_model"
    assert (summary["first"] <= summary["last"]).all()


@pytest.mark.parametrize("x", ["time", "record"])
def test_plot_timeline_draws_one_row_per_stage(small, x):
    figure = plot_timeline(small, x=x, highlight=3, broken_from=3)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels == ["datasets", "anonymization", "privacy", "fairness"]
    assert "record 3" in figure.axes[0].get_legend_handles_labels()[1]
    assert "from record 3 on" in figure.axes[0].texts[0].get_text()
    plt.close(figure)


def test_plot_timeline_of_an_empty_ledger_says_so():
    figure = plot_timeline([])
    assert "empty" in figure.axes[0].texts[0].get_text()
    plt.close(figure)


def test_budget_over_time_tells_two_runs_of_the_same_budget_apart(small):
    frame = budget_over_time(small)
    assert frame["budget"].tolist() == ["adult-train (run 1)", "adult-train (run 1)",
                                        "adult-train (run 2)", "other"]
    assert frame["charge"].tolist() == [1, 2, 1, 1]
    assert frame["record"].tolist() == [3, 4, 6, 7]
    run1 = frame[frame["budget"] == "adult-train (run 1)"]
    assert run1["spent"].tolist() == [1.0, 1.7] and run1["naive_sum"].tolist() == [1.0, 2.0]
    assert frame.loc[frame["budget"] == "other", "what"].item() == "train_private_model"  # no kind
    assert frame["what"].iloc[1] == "mean(rows)"


def test_budget_over_time_of_a_ledger_without_dp_is_empty(ledger):
    ledger.append("datasets", "load")
    frame = budget_over_time(ledger)
    assert frame.empty and "spent" in frame.columns
    figure = plot_budget_over_time(ledger)  # says so instead of failing a notebook cell
    assert "no differentially private" in figure.axes[0].texts[0].get_text()
    plt.close(figure)


def test_plot_budget_puts_the_budget_with_most_charges_first(small):
    figure = plot_budget_over_time(small)
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert len(titles) == 3
    assert titles[0].startswith("budget 'adult-train (run 1)': 2 charges, ε 1.7 spent of 3")
    assert "plain sum says 2" in titles[0]
    plt.close(figure)
    figure = plot_budget_over_time(budget_over_time(small), max_budgets=1)
    assert len(figure.axes) == 1
    plt.close(figure)


def test_the_views_never_write_to_the_ledger(small):
    before = small.path.read_bytes()
    timeline_frame(small), stage_summary(small), budget_over_time(small)
    plt.close(plot_timeline(small))
    plt.close(plot_budget_over_time(small))
    assert small.path.read_bytes() == before
    assert json.loads(before.splitlines()[-1])["index"] == 6
