"""The poll schedule (poller.next_poll_delay) as a plain function: when it trusts the relay's progress
figure to predict the finish, and that a figure which does not move, jumps, goes backwards or is
absent still gets a finished video noticed within about one poll interval. No server, no database.
"""

import math
import random
import statistics
import sys
from pathlib import Path

import pytest

from host_env import throwaway_host_env

with throwaway_host_env():
    from open_webui.utils.google_video.worker import poller

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "simulator"))
from relay_simulator.scenario import ProgressFigure, parse_scenario  # noqa: E402

next_poll_delay = poller.next_poll_delay
BASE = 5


def delays(*args, n: int = 200) -> list[float]:
    return [next_poll_delay(*args) for _ in range(n)]


def assert_plain_interval(*args):
    d = delays(*args)
    assert min(d) >= BASE and max(d) <= BASE * 1.1 + 1e-9, (args, min(d), max(d))


# -- a figure that says nothing about the finish: poll every base interval ------------------------

@pytest.mark.parametrize("progress", [None, 0])
@pytest.mark.parametrize("running_for", [3, 60, 600, 3000])
def test_absent_or_zero_figure_polls_every_interval_however_long_it_runs(progress, running_for):
    assert_plain_interval(BASE, progress, 0, running_for, BASE)


@pytest.mark.parametrize("figure", [1, 10, 30, 50, 95, 99])
@pytest.mark.parametrize("running_for", [10, 60, 200, 1000])
def test_unchanged_figure_is_not_read_as_a_slow_pace(figure, running_for):
    # Before: 10% after 200 s read as 1,800 s to go and stretched the interval to 12x base.
    assert_plain_interval(BASE, figure, figure, running_for, BASE)


@pytest.mark.parametrize("progress, previous", [(20, 40), (49, 50), (1, 99)])
def test_figure_lower_than_before_polls_every_interval(progress, previous):
    assert_plain_interval(BASE, progress, previous, 100, BASE)


def test_jump_far_ahead_of_the_pace_polls_every_interval():
    # 30 points in 5 s after 30 points in the 95 s before: 6x the pace so far.
    assert_plain_interval(BASE, 60, 30, 100, BASE)


def test_figure_crawling_far_behind_its_own_pace_polls_every_interval():
    # 50% after 50 s is 1 point/s; one point in the last 20 s is far slower.
    assert_plain_interval(BASE, 51, 50, 70, 20)


def test_pace_agreement_bounds_are_inclusive_and_tight():
    # overall pace 0.5 point/s (50% at 100 s); recent paces at 1.5x and just above it
    assert min(delays(BASE, 50, 50 - 0.75 * 10, 100, 10)) > BASE * 1.1  # recent 0.75 = 1.5x: trusted
    assert_plain_interval(BASE, 50, 50 - 0.8 * 10, 100, 10)  # recent 0.8 = 1.6x: not trusted


def test_figure_of_100_while_still_running_polls_every_interval():
    assert_plain_interval(BASE, 100, 90, 100, BASE)


@pytest.mark.parametrize("running_for, since_last", [(0, BASE), (100, 0), (100, -3)])
def test_degenerate_clocks_poll_every_interval(running_for, since_last):
    assert_plain_interval(BASE, 50, 40, running_for, since_last)


# -- a figure moving at a steady pace predicts the finish -----------------------------------------

def test_steady_figure_predicts_the_finish_with_the_lag_margin():
    # 0.5 point/s since the submit and lately: (100 - 80 - lag) / 0.5 s to go, asked at 90% of it.
    lag = poller.FIGURE_LAG_POINTS
    expected = 0.9 * (100 - 80 - lag) / 0.5
    d = delays(BASE, 80, 70, 160, 20)
    assert expected <= min(d) and max(d) <= expected * 1.05 + 1e-9


def test_faster_of_the_two_paces_is_used():
    # overall 0.5 point/s, recent 0.6 point/s (within 1.5x): the recent one, the earlier finish.
    lag = poller.FIGURE_LAG_POINTS
    expected = 0.9 * (100 - 80 - lag) / 0.6
    assert expected <= min(delays(BASE, 80, 80 - 0.6 * 30, 160, 30)) <= expected * 1.05


def test_a_predicted_step_at_most_doubles_the_previous_one():
    # First poll 2 s after submit with 1%: 198 s to go would be predicted, 4 s is asked for.
    d = delays(BASE, 1, 0, 2, 2)
    assert 4 <= min(d) and max(d) <= 4 * 1.05 + 1e-9
    d = delays(BASE, 10, 5, 40, 20)  # far to go: capped by 2x the last gap of 20 s
    assert 40 <= min(d) and max(d) <= 40 * 1.05 + 1e-9


def test_a_predicted_step_is_at_most_12x_base():
    d = delays(BASE, 10, 5, 100, 50)  # 0.1 point/s: 880 s to go; 2x 50 s = 100 s
    assert 12 * BASE <= min(d) and max(d) <= 12 * BASE * 1.05 + 1e-9


@pytest.mark.parametrize("progress", [97, 98, 99])
def test_close_to_the_end_a_steady_figure_is_asked_every_half_interval(progress):
    d = delays(BASE, progress, progress - 5, 100, 5)
    assert BASE / 2 <= min(d) and max(d) <= BASE / 2 * 1.05 + 1e-9


def test_jitter_spreads_but_never_shortens():
    for args, step in (((BASE, None, 0, 60, BASE), BASE), ((BASE, 80, 70, 160, 20), 0.9 * 18 / 0.5)):
        d = delays(*args, n=2000)
        assert min(d) >= step and statistics.pstdev(d) > 0.01 * step


# -- a whole task's life against the simulator's progress figures --------------------------------

def simulate(directive: str, generation: float, rng: random.Random) -> tuple[float, int, float]:
    """One task polled as the poller does it: first poll 2 s after submit, each poll claimed up to
    one tick (1 s) after it is due, whole-second timestamps in the database. Returns the staleness
    (finish -> first poll that sees it), the number of polls, and the generation time counted from
    the first poll (the benchmark's goal: polls <= that / base + 2)."""
    scenario = parse_scenario(f"t [sim:seconds={generation};{directive}]")
    figure = ProgressFigure(scenario, str(rng.random()))
    submitted = rng.uniform(0, 1000)
    created_at = updated_at = int(submitted)
    due = math.ceil(submitted + 2)
    stored, polls = 0, []
    while True:
        t = due + rng.uniform(0, 1.0) + rng.uniform(0, 0.2)
        polls.append(t)
        elapsed = t - submitted
        if elapsed >= generation:
            break
        reported = figure.at(max(1, min(99, int(100 * elapsed / generation))), elapsed)
        progress = None if reported in (None, "") else int(reported)
        delay = next_poll_delay(BASE, progress, stored, t - created_at, t - updated_at)
        if progress is not None:
            stored = max(stored, min(progress, 99))
        updated_at = int(t)
        due = math.ceil(t + delay)
    finish = submitted + generation
    return polls[-1] - finish, len(polls), finish - polls[0]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[round(0.95 * (len(ordered) - 1))]


@pytest.mark.parametrize("directive", ["progress=time", "progress=stuck:5", "progress=stuck:40", "progress=stuck:95",
                                       "progress=jumpy", "progress=none", "progress=empty", "progress=steps:5",
                                       "progress=steps:10", "progress=steps:25"])
def test_every_figure_gets_a_finished_video_noticed_within_the_goal(directive):
    rng = random.Random(directive)
    random.seed(directive)  # the schedule's jitter
    runs = [simulate(directive, rng.uniform(120, 240), rng) for _ in range(300)]
    stale = [s for s, _, _ in runs]
    assert p95(stale) < 10, (directive, p95(stale), max(stale))
    assert all(n <= gen / BASE + 2 for _, n, gen in runs), directive


def test_a_steady_figure_costs_a_handful_of_requests():
    rng = random.Random(1)
    random.seed(1)
    runs = [simulate("progress=time", rng.uniform(120, 240), rng) for _ in range(300)]
    assert statistics.fmean(n for _, n, _ in runs) < 10
    assert p95([s for s, _, _ in runs]) < 6


# -- the simulator's progress directives ----------------------------------------------------------

def test_stuck_figure_is_the_same_on_every_poll():
    f = ProgressFigure(parse_scenario("x [sim:seconds=100;progress=stuck:37]"), "a")
    assert {f.at(tf, tf) for tf in range(1, 99)} == {37}
    assert f.finished() == 100


def test_absent_and_empty_figures():
    assert ProgressFigure(parse_scenario("x [sim:progress=none]"), "a").at(40, 40) is None
    assert ProgressFigure(parse_scenario("x [sim:progress=none]"), "a").finished() is None
    assert ProgressFigure(parse_scenario("x [sim:progress=empty]"), "a").at(40, 40) == ""


def test_steps_figure_moves_in_whole_steps():
    f = ProgressFigure(parse_scenario("x [sim:seconds=100;progress=steps:25]"), "a")
    assert [f.at(tf, tf) for tf in (1, 24, 25, 49, 50, 99)] == [0, 0, 25, 25, 50, 75]


def test_jumpy_figure_holds_jumps_and_goes_backwards_repeatably():
    def trace(seed):
        f = ProgressFigure(parse_scenario("x [sim:seconds=200;progress=jumpy]"), seed)
        return [f.at(int(t / 2), t) for t in range(0, 200, 2)]
    a = trace("task-1")
    assert a == trace("task-1") and a != trace("task-2")
    moves = [b - a_ for a_, b in zip(a, a[1:])]
    assert any(m == 0 for m in moves) and any(m < 0 for m in moves) and max(moves) >= 10
    assert all(1 <= v <= 99 for v in a)


def test_default_figure_is_time_based_and_unknown_modes_are_refused():
    assert parse_scenario("x [sim:seconds=10]").progress == "time"
    assert ProgressFigure(parse_scenario("x [sim:seconds=10]"), "a").at(42, 4.2) == 42
    with pytest.raises(ValueError):
        parse_scenario("x [sim:progress=sideways]")
