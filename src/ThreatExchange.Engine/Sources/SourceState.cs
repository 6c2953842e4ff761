using System.Collections.Immutable;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Iocs;
using ThreatExchange.Proofpoint.Extraction;
using ThreatExchange.Proofpoint.Windows;

namespace ThreatExchange.Engine.Sources;

/// <summary>What the source remembers of an IoC, to tell a new or changed one from a repeat.</summary>
public sealed record KnownIoc(ThreatStatus Status, DateTimeOffset LastSeen, DateTimeOffset LastShared);

public sealed record SourceSettings
{
    /// <summary>Known IoCs not seen for this long are forgotten; they would have aged out of every list.</summary>
    public TimeSpan KnownIocRetention { get; init; } = TimeSpan.FromDays(90);
    /// <summary>A repeat sighting counts as a change once this long has passed since the IoC was last passed on.</summary>
    public TimeSpan ReshareInterval { get; init; } = TimeSpan.FromDays(1);
    public TimeSpan SafetyLag { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan LateArrivalDelay { get; init; } = TimeSpan.FromMinutes(30);
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(15);
    public int SnapshotEvery { get; init; } = 100;
}

/// <summary>
/// A source's state: pure, immutable, changed only by <see cref="Apply"/>. Decisions are functions that
/// return the events to persist; the actor only persists them and replies.
/// </summary>
public sealed record SourceState
{
    private const int PruneEveryWindows = 64;

    public required string Name { get; init; }
    public StoredSource? Configuration { get; init; }
    public PollCursor Cursor { get; init; } = PollCursor.Start;
    public ImmutableDictionary<string, KnownIoc> Known { get; init; } = ImmutableDictionary.Create<string, KnownIoc>(StringComparer.Ordinal);
    public bool Paused { get; init; }
    public bool Deleted { get; init; }
    public long WindowsCompleted { get; init; }
    public ImmutableList<PollGap> Gaps { get; init; } = [];
    public string? LastError { get; init; }
    public DateTimeOffset? LastErrorAt { get; init; }
    public int ConsecutiveFailures { get; init; }
    public DateTimeOffset? RetryNotBefore { get; init; }

    public bool ShouldPoll => Configuration is not null && !Paused && !Deleted;

    public static SourceState Empty(string name) => new() { Name = name };

    public SourceState Apply(ISourceEvent e, SourceSettings settings) => e switch
    {
        SourceEvents.ConfigurationSet set => this with { Configuration = set.Configuration, Deleted = false, RetryNotBefore = null, ConsecutiveFailures = 0 },
        SourceEvents.WindowCompleted done => ApplyWindow(done, settings),
        SourceEvents.GapRecorded gap => this with
        {
            Gaps = Gaps.Add(gap.Gap),
            Cursor = new PollCursor(gap.Gap.End, Cursor.ResweptUntil is { } swept && swept > gap.Gap.End ? swept : gap.Gap.End),
        },
        SourceEvents.PollFailed failed => this with
        {
            // The first window's start becomes the anchor, so a long outage never shifts the initial range forward in silence.
            Cursor = Cursor.Checkpoint is null && failed.Window.Kind == WindowKind.Primary ? new PollCursor(failed.Window.Start, failed.Window.Start) : Cursor,
            LastError = failed.Reason,
            LastErrorAt = failed.At,
            ConsecutiveFailures = ConsecutiveFailures + 1,
            RetryNotBefore = RetryAfterFailure(failed, settings),
        },
        SourceEvents.Paused => this with { Paused = true },
        SourceEvents.Resumed => this with { Paused = false, RetryNotBefore = null },
        SourceEvents.Deleted => this with { Deleted = true },
        _ => this,
    };

    private SourceState ApplyWindow(SourceEvents.WindowCompleted done, SourceSettings settings)
    {
        var known = Known.ToBuilder();
        foreach (var ioc in done.Iocs)
            known[ioc.Value] = new KnownIoc(ioc.ThreatStatus, ioc.LastSeen, done.At);
        var windows = WindowsCompleted + 1;
        if (windows % PruneEveryWindows == 0)
        {
            var forgetBefore = done.At - settings.KnownIocRetention;
            foreach (var stale in known.Where(p => p.Value.LastSeen < forgetBefore).Select(p => p.Key).ToList())
                known.Remove(stale);
        }
        var cursor = done.Window.Kind == WindowKind.Primary
            ? new PollCursor(done.Window.End, Cursor.ResweptUntil ?? done.Window.Start)
            : Cursor with { ResweptUntil = done.Window.End };
        return this with
        {
            Known = known.ToImmutable(),
            Cursor = cursor,
            WindowsCompleted = windows,
            ConsecutiveFailures = 0,
            RetryNotBefore = null,
        };
    }

    /// <summary>Doubling back-off from the first delay up to the maximum, or later if Proofpoint named a time.</summary>
    private DateTimeOffset RetryAfterFailure(SourceEvents.PollFailed failed, SourceSettings settings)
    {
        var delay = TimeSpan.FromTicks(Math.Min(settings.MaxRetryDelay.Ticks,
            settings.FirstRetryDelay.Ticks * (1L << Math.Min(ConsecutiveFailures, 20))));
        var backoff = failed.At + delay;
        return failed.RetryNotBefore is { } named && named > backoff ? named : backoff;
    }

    public WindowPlannerSettings PlannerSettings(SourceSettings settings) => new()
    {
        SafetyLag = settings.SafetyLag,
        LateArrivalDelay = settings.LateArrivalDelay,
        InitialRange = TimeSpan.FromHours(Configuration?.InitialRangeHours ?? SourceConfiguration.MaxInitialRangeHours),
        LookBackLimit = TimeSpan.FromHours(Configuration?.LookBackLimitHours ?? 12),
    };

    /// <summary>The next thing to do now: record a gap, read a window, re-sweep an hour, or nothing yet.</summary>
    public PollWork NextWork(SourceSettings settings, DateTimeOffset now)
    {
        if (!ShouldPoll || (RetryNotBefore is { } notBefore && notBefore > now))
            return PollWork.Nothing;
        var plan = new WindowPlanner(PlannerSettings(settings)).Plan(Cursor, now);
        if (plan.Gap is { } gap)
            return new PollWork.RecordGap(gap);
        return plan.Windows.Count > 0 ? new PollWork.Fetch(plan.Windows[0])
            : plan.Resweeps.Count > 0 ? new PollWork.Fetch(plan.Resweeps[0])
            : PollWork.Nothing;
    }

    public int WindowsBehind(SourceSettings settings, DateTimeOffset now) =>
        ShouldPoll ? new WindowPlanner(PlannerSettings(settings)).Plan(Cursor, now).Windows.Count : 0;

    /// <summary>
    /// Keeps what is new or changed against the known index: a value not seen before, a status change, or a
    /// sighting more than the re-share interval after it was last passed on. Tags follow the tagging setting.
    /// </summary>
    public SourceEvents.WindowCompleted CompleteWindow(PollWindow window, ExtractionResult result, SourceSettings settings, DateTimeOffset now)
    {
        var tagging = Configuration?.Tagging ?? false;
        var fresh = new List<StoredIoc>();
        foreach (var ioc in result.Iocs)
        {
            // An older mention found by a re-sweep never overrides a newer verdict already passed on.
            if (Known.TryGetValue(ioc.Value, out var known)
                && (known.Status == ioc.Status || ioc.LastSeen < known.LastSeen)
                && ioc.LastSeen <= known.LastShared + settings.ReshareInterval)
                continue;
            var tagged = tagging ? ioc with { Tags = ioc.EventTypes.Select(ProofpointEventTypes.Tag).ToImmutableSortedSet(StringComparer.Ordinal) } : ioc;
            fresh.Add(StoredIoc.From(tagged));
        }
        return new SourceEvents.WindowCompleted(window, fresh, result.Events, result.SkippedCount, now) { Found = result.Iocs.Count };
    }

    public SourceSnapshot ToSnapshot() => new(
        Name, Configuration, Cursor.Checkpoint, Cursor.ResweptUntil,
        Known.Select(p => new KnownIocEntry(p.Key, p.Value.Status.ToWire(), p.Value.LastSeen, p.Value.LastShared)).ToList(),
        Paused, Deleted, WindowsCompleted, Gaps, LastError, LastErrorAt, ConsecutiveFailures, RetryNotBefore);

    public static SourceState FromSnapshot(SourceSnapshot snapshot) => new()
    {
        Name = snapshot.Name,
        Configuration = snapshot.Configuration,
        Cursor = new PollCursor(snapshot.Checkpoint, snapshot.ResweptUntil),
        Known = snapshot.KnownIocs.ToImmutableDictionary(
            k => k.Value,
            k => new KnownIoc(WireNames.TryParse<ThreatStatus>(k.Status, out var s) ? s : ThreatStatus.Active, k.LastSeen, k.LastShared),
            StringComparer.Ordinal),
        Paused = snapshot.Paused,
        Deleted = snapshot.Deleted,
        WindowsCompleted = snapshot.WindowsCompleted,
        Gaps = [.. snapshot.Gaps],
        LastError = snapshot.LastError,
        LastErrorAt = snapshot.LastErrorAt,
        ConsecutiveFailures = snapshot.ConsecutiveFailures,
        RetryNotBefore = snapshot.RetryNotBefore,
    };
}

public abstract record PollWork
{
    private PollWork() { }

    public static readonly PollWork Nothing = new None();

    public sealed record None : PollWork;

    public sealed record RecordGap(PollGap Gap) : PollWork;

    public sealed record Fetch(PollWindow Window) : PollWork;
}
