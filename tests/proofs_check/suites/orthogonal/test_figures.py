"""The report's figures: the escape-time figure is drawn from the points that exist, paired by
lambda per group, never skipped because one group's ladder went deeper than the other's."""

from __future__ import annotations

from gfcheck.proofs_check.suites.orthogonal.figures import draw as draw_figures


def _escape(plus, minus, **extra):
    xs = [23.03, 46.05, 69.08, 103.6, 138.2, 184.2, 230.3, 276.3]
    data = {"t_half_plus": [2.75862069 * x + 1 for x in xs[:plus]],
            "t_half_minus": [4.622501635 * x + 2 for x in xs[:minus]],
            "slope_plus": 2.75862069, "intercept_plus": 1.0, "slope_minus": 4.622501635, "intercept_minus": 2.0}
    data.update({k: v(xs) for k, v in extra.items()})
    return {"escape": data}


def test_groups_with_ladders_of_different_lengths_are_drawn(tmp_path):
    data = _escape(8, 7, log_inv_lambda_plus=lambda xs: xs[:8], log_inv_lambda_minus=lambda xs: xs[:7])
    written, skipped = draw_figures(tmp_path, data)
    assert [p.name for p in written] == ["escape_times.png"] and "escape_times.png" not in skipped


def test_a_shared_ladder_of_another_length_still_draws_the_points_that_exist(tmp_path):
    """Data written before each group had its own lambdas: the points pair from the first rung."""
    written, skipped = draw_figures(tmp_path, _escape(8, 7, log_inv_lambda=lambda xs: xs[:7]))
    assert [p.name for p in written] == ["escape_times.png"] and "escape_times.png" not in skipped


def test_a_group_whose_own_lambdas_disagree_with_its_times_is_malformed(tmp_path):
    """The negative twin: a group's own ladder must match its times one to one."""
    written, skipped = draw_figures(tmp_path, _escape(8, 7, log_inv_lambda_plus=lambda xs: xs[:6],
                                                      log_inv_lambda_minus=lambda xs: xs[:7]))
    assert written == [] and skipped["escape_times.png"] == "escape.t_half_plus: lengths differ (6 vs 8)"
