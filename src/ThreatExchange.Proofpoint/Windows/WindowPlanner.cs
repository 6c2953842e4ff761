namespace ThreatExchange.Proofpoint.Windows;

public sealed record WindowPlannerSettings
{
    /// <summary>Windows end this far before now, so Proofpoint never calls them "still current".</summary>
    public TimeSpan SafetyLag { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan InitialRange { get; init; } = TimeSpan.FromHours(12);
    public TimeSpan LookBackLimit { get; init; } = TimeSpan.FromHours(12);
    /// <summary>How long after an hour ends it is read again; Proofpoint indexes some events up to ~30 min late.</summary>
    public TimeSpan LateArrivalDelay { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>
    /// Kept between the oldest start we ask for and the look-back limit, because Proofpoint measures the
    /// limit on its own clock when the request arrives, a little after we planned it.
    /// </summary>
    public TimeSpan LookBackMargin { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>Where polling stands: what has been read once, and what has been read twice.</summary>
/// <param name="Checkpoint">End of the last primary window whose IoCs are stored; null before the first.</param>
/// <param name="ResweptUntil">End of the last re-swept range; null before the first primary window.</param>
public sealed record PollCursor(DateTimeOffset? Checkpoint, DateTimeOffset? ResweptUntil)
{
    public static readonly PollCursor Start = new(null, null);
}

/// <param name="Gap">The range skipped because it is older than the look-back limit, if any.</param>
/// <param name="Windows">Contiguous primary windows from the checkpoint, in order.</param>
/// <param name="Resweeps">Completed hours due for their second read, in order.</param>
public sealed record WindowPlan(PollGap? Gap, IReadOnlyList<PollWindow> Windows, IReadOnlyList<PollWindow> Resweeps)
{
    public IEnumerable<PollWindow> All => Windows.Concat(Resweeps);
}

/// <summary>
/// Turns a cursor and the current time into the TAP requests to make. Pure: time comes in as an argument,
/// so a test decides what "now" is.
/// </summary>
public sealed class WindowPlanner(WindowPlannerSettings settings)
{
    public WindowPlannerSettings Settings { get; } = settings;

    public WindowPlan Plan(PollCursor cursor, TimeProvider clock) => Plan(cursor, clock.GetUtcNow());

    public WindowPlan Plan(PollCursor cursor, DateTimeOffset now)
    {
        now = TruncateToSeconds(now.ToUniversalTime());
        var start = cursor.Checkpoint ?? now - Settings.InitialRange;
        var oldestFetchable = now - Settings.LookBackLimit + Settings.LookBackMargin;

        PollGap? gap = null;
        // A first poll whose initial range fits the limit merely loses the margin: nothing was promised there yet.
        if (cursor.Checkpoint is null && Settings.InitialRange <= Settings.LookBackLimit && start < oldestFetchable)
            start = oldestFetchable;
        if (start < oldestFetchable)
        {
            gap = new PollGap(start, oldestFetchable);
            start = oldestFetchable;
        }

        var windows = new List<PollWindow>();
        var end = now - Settings.SafetyLag;
        while (end - start >= PollWindow.MinimumLength)
        {
            var windowEnd = Min(start + PollWindow.MaximumLength, end);
            windows.Add(new PollWindow(start, windowEnd));
            start = windowEnd;
        }

        return new WindowPlan(gap, windows, PlanResweeps(cursor, now, oldestFetchable));
    }

    /// <summary>
    /// Hours (aligned to the clock) that were fully read once and whose late-arrival delay has passed.
    /// Ranges beyond the look-back limit were read once already, so they are dropped, not recorded as gaps.
    /// </summary>
    private List<PollWindow> PlanResweeps(PollCursor cursor, DateTimeOffset now, DateTimeOffset oldestFetchable)
    {
        var resweeps = new List<PollWindow>();
        if (cursor is not { Checkpoint: { } checkpoint, ResweptUntil: { } from })
            return resweeps;

        from = Max(from, oldestFetchable);
        var readyUntil = Min(checkpoint, now - Settings.LateArrivalDelay);
        while (from < readyUntil)
        {
            var hourEnd = StartOfHour(from) + PollWindow.MaximumLength;
            if (hourEnd > readyUntil)
                break;
            var windowStart = hourEnd - from < PollWindow.MinimumLength ? hourEnd - PollWindow.MinimumLength : from;
            resweeps.Add(new PollWindow(windowStart, hourEnd, WindowKind.Resweep));
            from = hourEnd;
        }
        return resweeps;
    }

    private static DateTimeOffset StartOfHour(DateTimeOffset time) =>
        new(time.Year, time.Month, time.Day, time.Hour, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
