using System.Security.Cryptography;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Iocs;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.Sources;
using ThreatExchange.Proofpoint.Extraction;
using ThreatExchange.Proofpoint.Windows;

namespace ThreatExchange.Engine.Tests.Sources;

/// <summary>The state and its decisions, without actors: events in, state out.</summary>
public sealed class SourceStateSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly SourceSettings Settings = new();
    private static readonly SecretProtector Protector = new(RandomNumberGenerator.GetBytes(32));

    private static readonly StoredSource Stored = StoredSource.Protect(new SourceConfiguration
    {
        Name = "tap", Principal = "sp", Secret = new Secret("s"), InitialRangeHours = 2, LookBackLimitHours = 12,
    }, Protector);

    private static SourceState Configured() =>
        SourceState.Empty("tap").Apply(new SourceEvents.ConfigurationSet(Stored, T0), Settings);

    private static Ioc Ioc(string value, ThreatStatus status, DateTimeOffset seen) => new()
    {
        Value = value, Type = IocClassifier.Classify(value).Type, Status = status, FirstSeen = seen, LastSeen = seen,
        EventTypes = new SortedSet<string> { "clicksBlocked" },
    };

    private static ExtractionResult Result(params Ioc[] iocs) => new(iocs, iocs.Length, 0, [], null);

    private static SourceState Complete(SourceState state, PollWindow window, params Ioc[] iocs) =>
        state.Apply(state.CompleteWindow(window, Result(iocs), Settings, window.End), Settings);

    [Fact]
    public void A_new_source_first_reads_its_initial_range()
    {
        var work = Assert.IsType<PollWork.Fetch>(Configured().NextWork(Settings, T0));
        Assert.Equal(new PollWindow(T0.AddHours(-2), T0.AddHours(-1)), work.Window);
    }

    [Fact]
    public void A_completed_window_moves_the_checkpoint_and_remembers_its_iocs()
    {
        var window = new PollWindow(T0.AddHours(-2), T0.AddHours(-1));
        var state = Complete(Configured(), window, Ioc("bad.zz", ThreatStatus.Active, T0.AddHours(-1.5)));
        Assert.Equal(new PollCursor(T0.AddHours(-1), T0.AddHours(-2)), state.Cursor);
        Assert.Equal(ThreatStatus.Active, state.Known["bad.zz"].Status);
        Assert.Equal(1, state.WindowsCompleted);
    }

    [Fact]
    public void Only_new_or_changed_iocs_are_passed_on()
    {
        var first = new PollWindow(T0.AddHours(-2), T0.AddHours(-1));
        var state = Complete(Configured(), first, Ioc("bad.zz", ThreatStatus.Active, T0.AddHours(-1.5)), Ioc("old.zz", ThreatStatus.Active, T0.AddHours(-1.5)));

        var next = state.CompleteWindow(new PollWindow(T0.AddHours(-1), T0), Result(
            Ioc("bad.zz", ThreatStatus.FalsePositive, T0.AddMinutes(-30)),
            Ioc("old.zz", ThreatStatus.Active, T0.AddMinutes(-30)),
            Ioc("new.zz", ThreatStatus.Active, T0.AddMinutes(-30))), Settings, T0);

        Assert.Equal(["bad.zz", "new.zz"], next.Iocs.Select(i => i.Value));
        Assert.Equal("falsePositive", next.Iocs[0].Status);
    }

    [Fact]
    public void A_repeat_sighting_after_the_reshare_interval_counts_as_changed()
    {
        var state = Complete(Configured(), new PollWindow(T0.AddHours(-2), T0.AddHours(-1)), Ioc("bad.zz", ThreatStatus.Active, T0.AddHours(-1.5)));
        var later = T0.AddDays(2);
        var next = state.CompleteWindow(new PollWindow(later.AddHours(-1), later), Result(Ioc("bad.zz", ThreatStatus.Active, later.AddMinutes(-5))), Settings, later);
        Assert.Single(next.Iocs);
    }

    [Fact]
    public void An_older_mention_found_by_a_resweep_does_not_undo_a_newer_verdict()
    {
        var state = Complete(Configured(), new PollWindow(T0.AddHours(-2), T0.AddHours(-1)), Ioc("bad.zz", ThreatStatus.Cleared, T0.AddMinutes(-70)));
        var resweep = state.CompleteWindow(new PollWindow(T0.AddHours(-2), T0.AddHours(-1), WindowKind.Resweep),
            Result(Ioc("bad.zz", ThreatStatus.Active, T0.AddMinutes(-100))), Settings, T0);
        Assert.Empty(resweep.Iocs);
    }

    [Fact]
    public void A_resweep_advances_only_the_resweep_cursor()
    {
        var state = Complete(Configured(), new PollWindow(T0.AddHours(-2), T0.AddHours(-1)));
        var after = Complete(state, new PollWindow(T0.AddHours(-2), T0.AddHours(-1), WindowKind.Resweep));
        Assert.Equal(new PollCursor(T0.AddHours(-1), T0.AddHours(-1)), after.Cursor);
    }

    [Fact]
    public void Tagging_adds_cloud_exchange_event_type_tags()
    {
        var tagged = SourceState.Empty("tap").Apply(new SourceEvents.ConfigurationSet(Stored with { Tagging = true }, T0), Settings);
        var completed = tagged.CompleteWindow(new PollWindow(T0.AddHours(-2), T0.AddHours(-1)), Result(Ioc("bad.zz", ThreatStatus.Active, T0.AddHours(-1.5))), Settings, T0);
        Assert.Equal(["Click Blocked"], completed.Iocs[0].Tags);
    }

    [Fact]
    public void Failures_back_off_doubling_and_anchor_the_first_window()
    {
        var window = new PollWindow(T0.AddHours(-2), T0.AddHours(-1));
        var once = Configured().Apply(new SourceEvents.PollFailed(window, "ServerError", "boom", null, T0), Settings);
        var twice = once.Apply(new SourceEvents.PollFailed(window, "ServerError", "boom", null, T0), Settings);

        Assert.Equal(T0.AddSeconds(15), once.RetryNotBefore);
        Assert.Equal(T0.AddSeconds(30), twice.RetryNotBefore);
        Assert.Equal(T0.AddHours(-2), twice.Cursor.Checkpoint);
        Assert.Same(PollWork.Nothing, twice.NextWork(Settings, T0.AddSeconds(29)));
        Assert.IsType<PollWork.Fetch>(twice.NextWork(Settings, T0.AddSeconds(30)));
    }

    [Fact]
    public void A_named_retry_time_later_than_the_back_off_wins()
    {
        var failed = Configured().Apply(new SourceEvents.PollFailed(new PollWindow(T0.AddHours(-2), T0.AddHours(-1)), "BudgetExhausted", "spent", T0.AddHours(3), T0), Settings);
        Assert.Equal(T0.AddHours(3), failed.RetryNotBefore);
    }

    [Fact]
    public void A_gap_moves_both_cursors_to_its_end()
    {
        var gap = new PollGap(T0.AddHours(-20), T0.AddHours(-12));
        var state = Configured().Apply(new SourceEvents.GapRecorded(gap, "too old", T0), Settings);
        Assert.Equal(new PollCursor(gap.End, gap.End), state.Cursor);
        Assert.Equal([gap], state.Gaps);
    }

    [Fact]
    public void Paused_and_deleted_sources_have_no_work()
    {
        Assert.Same(PollWork.Nothing, Configured().Apply(new SourceEvents.Paused(T0), Settings).NextWork(Settings, T0));
        Assert.Same(PollWork.Nothing, Configured().Apply(new SourceEvents.Deleted(T0), Settings).NextWork(Settings, T0));
        Assert.Same(PollWork.Nothing, SourceState.Empty("unconfigured").NextWork(Settings, T0));
    }

    [Fact]
    public void Known_iocs_older_than_the_retention_are_forgotten()
    {
        var state = Complete(Configured(), new PollWindow(T0.AddHours(-2), T0.AddHours(-1)), Ioc("old.zz", ThreatStatus.Active, T0.AddHours(-1.5)));
        var later = T0.AddDays(100);
        for (var i = 0; i < 64; i++)
            state = state.Apply(new SourceEvents.WindowCompleted(new PollWindow(later.AddMinutes(i), later.AddMinutes(i + 1)), [], 0, 0, later), Settings);
        Assert.False(state.Known.ContainsKey("old.zz"));
    }

    [Fact]
    public void A_snapshot_restores_the_same_state()
    {
        var state = Complete(Configured(), new PollWindow(T0.AddHours(-2), T0.AddHours(-1)), Ioc("bad.zz", ThreatStatus.Cleared, T0.AddHours(-1.5)))
            .Apply(new SourceEvents.GapRecorded(new PollGap(T0.AddHours(-1), T0), "x", T0), Settings);
        var restored = SourceState.FromSnapshot(state.ToSnapshot());
        Assert.Equal(state.Cursor, restored.Cursor);
        Assert.Equal(state.Known.ToArray(), restored.Known.OrderBy(p => p.Key).ToArray());
        Assert.Equal(state.Gaps, restored.Gaps);
        Assert.Equal(state.WindowsCompleted, restored.WindowsCompleted);
    }
}
