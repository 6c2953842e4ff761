using Microsoft.Extensions.Time.Testing;
using ThreatExchange.Proofpoint.Windows;

namespace ThreatExchange.Proofpoint.Tests.Windows;

public sealed class WindowPlannerSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 17, 42, TimeSpan.Zero);
    private static readonly WindowPlanner Planner = new(new WindowPlannerSettings());

    private static void AssertContiguousWithinLimits(IReadOnlyList<PollWindow> windows)
    {
        for (var i = 0; i < windows.Count; i++)
        {
            Assert.InRange(windows[i].Length, PollWindow.MinimumLength, PollWindow.MaximumLength);
            Assert.Equal(TimeSpan.Zero, windows[i].Start.Offset);
            Assert.Equal(0, windows[i].Start.Ticks % TimeSpan.TicksPerSecond);
            if (i > 0)
                Assert.Equal(windows[i - 1].End, windows[i].Start);
        }
    }

    [Fact]
    public void Without_a_checkpoint_the_initial_range_is_read_in_hour_windows_up_to_the_safety_lag()
    {
        var plan = Planner.Plan(PollCursor.Start, Now);

        Assert.Null(plan.Gap);
        Assert.Equal(Now.AddHours(-12).AddMinutes(1), plan.Windows[0].Start);
        Assert.Equal(Now.AddMinutes(-2), plan.Windows[^1].End);
        Assert.Equal(12, plan.Windows.Count);
        Assert.All(plan.Windows.SkipLast(1), w => Assert.Equal(TimeSpan.FromHours(1), w.Length));
        AssertContiguousWithinLimits(plan.Windows);
        Assert.Empty(plan.Resweeps);
    }

    [Fact]
    public void A_recent_checkpoint_gives_one_window_from_it_to_now_minus_the_lag()
    {
        var checkpoint = Now.AddMinutes(-7);
        var window = Assert.Single(Planner.Plan(new PollCursor(checkpoint, checkpoint), Now).Windows);
        Assert.Equal(new PollWindow(checkpoint, Now.AddMinutes(-2)), window);
    }

    [Fact]
    public void Less_than_30_seconds_to_read_gives_no_window_and_exactly_30_gives_one()
    {
        var lagEnd = Now.AddMinutes(-2);
        Assert.Empty(Planner.Plan(new PollCursor(lagEnd.AddSeconds(-29), null), Now).Windows);
        Assert.Equal(TimeSpan.FromSeconds(30), Assert.Single(Planner.Plan(new PollCursor(lagEnd.AddSeconds(-30), null), Now).Windows).Length);
        Assert.Empty(Planner.Plan(new PollCursor(lagEnd.AddMinutes(1), null), Now).Windows);
    }

    [Fact]
    public void A_remainder_under_30_seconds_after_whole_hours_waits_for_the_next_poll()
    {
        var checkpoint = Now.AddMinutes(-2).AddHours(-2).AddSeconds(-10);
        var plan = Planner.Plan(new PollCursor(checkpoint, null), Now);
        Assert.Equal(2, plan.Windows.Count);
        Assert.Equal(checkpoint.AddHours(2), plan.Windows[^1].End);
    }

    [Fact]
    public void A_checkpoint_older_than_the_look_back_limit_records_the_exact_skipped_range_as_a_gap()
    {
        var checkpoint = Now.AddHours(-20);
        var plan = Planner.Plan(new PollCursor(checkpoint, checkpoint), Now);

        var oldestFetchable = Now.AddHours(-12).AddMinutes(1);
        Assert.Equal(new PollGap(checkpoint, oldestFetchable), plan.Gap);
        Assert.Equal(oldestFetchable, plan.Windows[0].Start);
        Assert.Equal(Now.AddMinutes(-2), plan.Windows[^1].End);
        AssertContiguousWithinLimits(plan.Windows);
    }

    [Fact]
    public void An_initial_range_beyond_the_look_back_limit_is_clamped_with_a_gap_never_silently()
    {
        var planner = new WindowPlanner(new WindowPlannerSettings { InitialRange = TimeSpan.FromHours(12), LookBackLimit = TimeSpan.FromHours(6) });
        var plan = planner.Plan(PollCursor.Start, Now);
        Assert.Equal(new PollGap(Now.AddHours(-12), Now.AddHours(-6).AddMinutes(1)), plan.Gap);
    }

    [Fact]
    public void Windows_are_written_as_utc_intervals_in_whole_seconds()
    {
        var inParis = new DateTimeOffset(2026, 12, 3, 11, 17, 42, 789, TimeSpan.FromHours(1));
        var window = Assert.Single(Planner.Plan(new PollCursor(Now.AddMinutes(-12), null), inParis).Windows);
        Assert.Equal("2026-12-03T10:05:42Z/2026-12-03T10:15:42Z", window.ToInterval());
    }

    [Fact]
    public void The_planner_reads_now_from_the_injected_time_provider()
    {
        var clock = new FakeTimeProvider(Now);
        var checkpoint = Now.AddMinutes(-10);
        Assert.Equal(Now.AddMinutes(-2), Assert.Single(Planner.Plan(new PollCursor(checkpoint, null), clock).Windows).End);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Now.AddMinutes(3), Assert.Single(Planner.Plan(new PollCursor(checkpoint, null), clock).Windows).End);
    }

    [Fact]
    public void Each_completed_hour_is_read_again_once_its_late_arrival_delay_has_passed()
    {
        // Read once from 06:20 to 10:15; re-swept nothing yet. At 10:17:42 hours ending by 09:47:42 are due.
        var cursor = new PollCursor(Checkpoint: Now.AddMinutes(-2), ResweptUntil: new DateTimeOffset(2026, 12, 3, 6, 20, 0, TimeSpan.Zero));
        var resweeps = Planner.Plan(cursor, Now).Resweeps;

        Assert.Equal(
            [
                new PollWindow(At(6, 20), At(7, 0), WindowKind.Resweep),
                new PollWindow(At(7, 0), At(8, 0), WindowKind.Resweep),
                new PollWindow(At(8, 0), At(9, 0), WindowKind.Resweep),
            ],
            resweeps);
    }

    [Fact]
    public void An_hour_is_not_re_swept_before_it_has_been_read_once()
    {
        var cursor = new PollCursor(Checkpoint: At(8, 30), ResweptUntil: At(7, 0));
        Assert.Equal([new PollWindow(At(7, 0), At(8, 0), WindowKind.Resweep)], Planner.Plan(cursor, Now).Resweeps);
    }

    [Fact]
    public void A_first_partial_hour_shorter_than_30_seconds_is_widened_to_the_minimum()
    {
        var cursor = new PollCursor(Checkpoint: At(9, 0), ResweptUntil: At(8, 59).AddSeconds(50));
        var resweep = Assert.Single(Planner.Plan(cursor, Now).Resweeps);
        Assert.Equal(new PollWindow(At(9, 0).AddSeconds(-30), At(9, 0), WindowKind.Resweep), resweep);
    }

    [Fact]
    public void Hours_beyond_the_look_back_limit_are_not_re_swept()
    {
        var cursor = new PollCursor(Checkpoint: Now.AddMinutes(-2), ResweptUntil: Now.AddHours(-30));
        var resweeps = Planner.Plan(cursor, Now).Resweeps;
        Assert.True(resweeps[0].Start >= Now.AddHours(-12));
        Assert.Null(Planner.Plan(cursor, Now).Gap);
    }

    private static DateTimeOffset At(int hour, int minute) => new(2026, 12, 3, hour, minute, 0, TimeSpan.Zero);
}
