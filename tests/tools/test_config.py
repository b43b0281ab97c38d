"""The committed budgets file: every profile resolves, and the issue's numbers are pinned."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.bench import config

ISSUE_BUDGETS = {
    "checkpoint-medium": ({"rss_mb": 48, "wall_s": 1.5}, {"rss_mb": 250, "wall_s": 6}),
    "checkpoint-heavy": ({"rss_mb": 64, "wall_s": 5}, {"rss_mb": 600, "wall_s": 15}),
    "checkpoint-heavy-next": ({"rss_mb": 50, "wall_s": 0.15}, {}),
    "claude-medium": ({"rss_mb": 40, "wall_s": 0.6}, {"rss_mb": 200, "wall_s": 2}),
    "claude-heavy": ({"rss_mb": 48, "wall_s": 1.5}, {"rss_mb": 450, "wall_s": 5}),
    "hook-human": ({"wall_s": 0.08}, {}),
    "hook-claude": ({"wall_s": 0.08}, {}),
}


@pytest.fixture(scope="module")
def committed() -> config.Config:
    return config.load()


def test_issue_budgets_are_committed(committed: config.Config) -> None:
    for name, (budget, seed) in ISSUE_BUDGETS.items():
        case = committed.cases[name]
        assert dict(case.budget.values) == budget, name
        assert dict(case.seed.values) == seed, name


def test_profiles_of_the_issue_exist(committed: config.Config) -> None:
    for name in (
        "quick",
        "checkpoint-medium",
        "checkpoint-heavy",
        "claude-medium",
        "claude-heavy",
        "engine",
        "hook",
        "scaling",
        "all",
    ):
        assert committed.resolve([name]), name
    everything = {c.name for c in committed.resolve(["all"])}
    non_quick = {n for n in committed.cases if not n.startswith("quick-")}
    assert everything == non_quick
    assert [c.scaling for c in committed.resolve(["scaling"])] == [1000, 10000, 100000, 1000000]


def test_plan_shapes(committed: config.Config) -> None:
    medium, heavy = committed.cases["checkpoint-medium"], committed.cases["checkpoint-heavy"]
    assert (medium.params["lines"], medium.params["attrs"]) == (800, 1500)
    assert (heavy.params["lines"], heavy.params["attrs"]) == (3200, 1500)
    for case in committed.cases.values():
        assert case.ours, case.name
    # every budgeted case compares against the legacy-storage peer
    for name in ISSUE_BUDGETS:
        assert any(p.startswith("gitai-legacy") for p in committed.cases[name].peers), name


def test_profile_named_like_its_case(tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text(
        'schema = 1\n[profiles]\nx = ["x"]\nall = ["x", "y"]\ny = ["all"]\n'
        '[case.x]\nours = ["noop"]\n'
    )
    with pytest.raises(ValueError, match="profile cycle"):
        config.load(path)
    path.write_text('schema = 1\n[profiles]\nx = ["x"]\nall = ["x"]\n[case.x]\nours = ["noop"]\n')
    assert [c.name for c in config.load(path).resolve(["all"])] == ["x"]


def test_bad_budget_value_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text('schema = 1\n[case.x]\nours = ["noop"]\nbudget = { rss_mb = "lots" }\n')
    with pytest.raises(ValueError, match="rss_mb must be a number"):
        config.load(path)


COMMIT_BUDGETS = {  # issue 12's table
    "post-commit-100k": {"wall_s": 0.15, "rss_mb": 50},
    "post-commit-100-files": {"wall_s": 1.0, "rss_mb": 64},
}
COMMIT_PAIRED = {
    "post-commit-flatness": {"wall_s_ratio": 1.1},
    "git-commit-1k": {"wall_s_delta": 0.12},
    "git-commit-100k": {"wall_s_delta": 0.12},
}


def test_commit_path_budgets_are_committed(committed: config.Config) -> None:
    for name, budget in COMMIT_BUDGETS.items():
        case = committed.cases[name]
        assert dict(case.budget.values) == budget, name
        assert case.params["checkpoints"] == 100000 and case.params["files"] == 400
        assert case.peers == ("gitai-post-commit",)
    for name, paired in COMMIT_PAIRED.items():
        case = committed.cases[name]
        assert case.interleave and dict(case.paired.values) == paired, name
    flat = committed.cases["post-commit-flatness"]
    assert flat.peers == ("ckptlog-post-commit-reference",)
    assert flat.params["reference_checkpoints"] == 1000
    assert "quick-post-commit" in {c.name for c in committed.resolve(["quick"])}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('peers = ["noop"]\npaired = { wall_s_ratio = 1.1 }', "needs interleave = true"),
        ("interleave = true\npaired = { wall_s_ratio = 1.1 }", "needs interleave = true"),
        ('interleave = true\npeers = ["noop"]\npaired = { wall_s = 1 }', "<metric>_ratio"),
        ('interleave = "yes"', "interleave must be true or false"),
    ],
)
def test_bad_paired_budgets_are_rejected(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "b.toml"
    path.write_text(f'schema = 1\n[case.x]\nours = ["noop"]\n{body}\n')
    with pytest.raises(ValueError, match=message):
        config.load(path)
