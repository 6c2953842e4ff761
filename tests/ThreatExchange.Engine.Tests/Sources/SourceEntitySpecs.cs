using ThreatExchange.Engine.Persistence;
using System.Security.Cryptography;
using System.Text;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Time.Testing;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.Sources;
using ThreatExchange.Proofpoint.Windows;
using ThreatExchange.Simulators.Proofpoint;

namespace ThreatExchange.Engine.Tests.Sources;

/// <summary>
/// Source entities end to end: a real SQLite journal file, a one-node cluster, and the TAP simulator on
/// loopback, with one fake clock shared by the engine and the simulator so "now" is the test's to move.
/// </summary>
public abstract class SourceEntitySpecs(JournalKind kind) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly string _folder = Directory.CreateTempSubdirectory("te-engine-").FullName;
    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));
    private readonly FakeTimeProvider _clock = new(T0);
    private ProofpointSimulator _simulator = null!;

    private JournalSettings _journal = null!;

    public async Task InitializeAsync()
    {
        _journal = await TestJournal.CreateAsync(kind, _folder);
        _simulator = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions
        {
            Seed = 17, ThreatsPerHour = 120, Clock = _clock, MaxIndexDelay = TimeSpan.FromMinutes(1),
        });
    }

    public async Task DisposeAsync()
    {
        await _simulator.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private SourceConfiguration Source(string name = "tap-prod", int budget = 1800, int pollSeconds = 300) => new()
    {
        Name = name,
        BaseUrl = _simulator.BaseUrl.ToString(),
        Principal = "sim-principal",
        Secret = new Secret("sim-secret"),
        InitialRangeHours = 2,
        LookBackLimitHours = 3,
        RequestBudgetPerDay = budget,
        PollIntervalSeconds = pollSeconds,
    };

    /// <summary>The last stored record of each value, from every window-completed event in the journal.</summary>
    private static Dictionary<(string Type, string Value), string> Stored(IEnumerable<object> events)
    {
        var latest = new Dictionary<(string, string), string>();
        foreach (var ioc in events.OfType<SourceEvents.WindowCompleted>().SelectMany(w => w.Iocs))
            latest[(ioc.Type, ioc.Value)] = ioc.Status;
        return latest;
    }

    private Dictionary<(string Type, string Value), string> Truth(DateTimeOffset from, DateTimeOffset to) =>
        _simulator.Generator.Truth(from, to).ToDictionary(t => (t.Type, t.Value), t => t.ThreatStatus);

    [Fact]
    public async Task A_configured_source_polls_its_windows_and_stores_exactly_the_simulators_truth()
    {
        await using var host = await EngineHost.StartAsync(_journal, _protector, _clock);
        var kit = new TestKit(host.System);

        Assert.IsType<SourceReplies.Accepted>(await host.ConfigureAsync(Source(), _protector));

        await kit.AwaitAssertAsync(async () => Assert.Equal(T0.AddMinutes(-2), (await host.StatusAsync("tap-prod")).Checkpoint), Wait);
        var status = await host.StatusAsync("tap-prod");
        Assert.Equal(0, status.WindowsBehind);
        Assert.Equal(TimeSpan.FromMinutes(2), status.Lag);

        var events = await host.EventsAsync("tap-prod");
        Assert.Equal(Truth(T0.AddHours(-2), T0.AddMinutes(-2)), Stored(events));
        var windows = events.OfType<SourceEvents.WindowCompleted>().Select(w => w.Window).Where(w => w.Kind == WindowKind.Primary).ToList();
        Assert.Equal(T0.AddHours(-2), windows[0].Start);
        Assert.All(windows.Zip(windows.Skip(1)), pair => Assert.Equal(pair.Item1.End, pair.Item2.Start));
    }

    [Fact]
    public async Task After_a_restart_mid_catch_up_polling_resumes_at_the_checkpoint_and_stores_each_ioc_once()
    {
        var configuration = Source() with { InitialRangeHours = 3 };
        await using (var first = await EngineHost.StartAsync(_journal, _protector, _clock))
        {
            var kit = new TestKit(first.System);
            await first.ConfigureAsync(configuration, _protector);
            await kit.AwaitAssertAsync(async () => Assert.True((await first.StatusAsync("tap-prod")).WindowsCompleted >= 1), Wait);
        }

        await using var second = await EngineHost.StartAsync(_journal, _protector, _clock);
        var again = new TestKit(second.System);
        // Nothing is sent to the entity: remember-entities brings it back and it polls by itself.
        await again.AwaitAssertAsync(async () => Assert.Equal(T0.AddMinutes(-2),
            (await second.EventsAsync("tap-prod")).OfType<SourceEvents.WindowCompleted>().Last(w => w.Window.Kind == WindowKind.Primary).Window.End), Wait);
        var events = await second.EventsAsync("tap-prod");

        var windows = events.OfType<SourceEvents.WindowCompleted>().Select(w => w.Window).ToList();
        Assert.Equal(windows.Count, windows.Distinct().Count());
        // An initial range equal to the look-back limit starts one safety margin later: Proofpoint measures the limit on its own clock.
        Assert.Equal(Truth(T0.AddHours(-3).AddMinutes(1), T0.AddMinutes(-2)), Stored(events));
        var records = events.OfType<SourceEvents.WindowCompleted>().SelectMany(w => w.Iocs).GroupBy(i => i.Value);
        Assert.All(records, g => Assert.Equal(g.Count(), g.Select(i => i.Status).Distinct().Count()));
    }

    [Fact]
    public async Task A_checkpoint_older_than_the_look_back_limit_records_the_exact_skipped_range()
    {
        await using var host = await EngineHost.StartAsync(_journal, _protector, _clock);
        var kit = new TestKit(host.System);
        await host.ConfigureAsync(Source(), _protector);
        await kit.AwaitAssertAsync(async () => Assert.Equal(T0.AddMinutes(-2), (await host.StatusAsync("tap-prod")).Checkpoint), Wait);

        _clock.Advance(TimeSpan.FromHours(5));
        await host.SendAsync(new SourceCommands.PollNow("tap-prod"));

        var now = T0.AddHours(5);
        await kit.AwaitAssertAsync(async () => Assert.Equal(now.AddMinutes(-2), (await host.StatusAsync("tap-prod")).Checkpoint), Wait);
        var gap = Assert.Single((await host.EventsAsync("tap-prod")).OfType<SourceEvents.GapRecorded>());
        Assert.Equal(new PollGap(T0.AddMinutes(-2), now.AddHours(-3).AddMinutes(1)), gap.Gap);
        Assert.Contains("look-back limit of 3 hours", gap.Reason, StringComparison.Ordinal);
        Assert.Equal(1, (await host.StatusAsync("tap-prod")).Gaps);
    }

    [Fact]
    public async Task A_500_storm_never_moves_the_checkpoint_and_polling_recovers_afterwards()
    {
        _simulator.Faults = new TapFaults { ErrorRate = 1 };
        await using var host = await EngineHost.StartAsync(_journal, _protector, _clock);
        var kit = new TestKit(host.System);
        await host.ConfigureAsync(Source(), _protector);

        await kit.AwaitAssertAsync(async () =>
            Assert.Contains("failed with 500", (await host.StatusAsync("tap-prod")).LastError, StringComparison.Ordinal), Wait);
        Assert.Equal(T0.AddHours(-2), (await host.StatusAsync("tap-prod")).Checkpoint);
        var events = await host.EventsAsync("tap-prod");
        Assert.Empty(events.OfType<SourceEvents.WindowCompleted>());
        Assert.Equal(T0.AddHours(-2), events.OfType<SourceEvents.PollFailed>().First().Window.Start);

        _simulator.Faults = new TapFaults();
        _clock.Advance(TimeSpan.FromMinutes(10));
        await host.SendAsync(new SourceCommands.PollNow("tap-prod"));
        await kit.AwaitAssertAsync(async () => Assert.Equal(T0.AddMinutes(8), (await host.StatusAsync("tap-prod")).Checkpoint), Wait);
        var truth = Truth(T0.AddHours(-2), T0.AddMinutes(8));
        var stored = Stored(await host.EventsAsync("tap-prod"));
        Assert.Equal(truth, stored);
    }

    [Fact]
    public async Task A_429_storm_stops_requests_until_the_back_off_and_the_budget_is_never_exceeded()
    {
        _simulator.Faults = new TapFaults { ThrottleRate = 1 };
        await using var host = await EngineHost.StartAsync(_journal, _protector, _clock);
        var kit = new TestKit(host.System);
        await host.ConfigureAsync(Source(budget: 50, pollSeconds: 86_400), _protector);

        await kit.AwaitAssertAsync(async () => Assert.Contains("429", (await host.StatusAsync("tap-prod")).LastError, StringComparison.Ordinal), Wait);
        for (var i = 0; i < 3; i++)
            await host.SendAsync(new SourceCommands.PollNow("tap-prod"));
        var status = await host.StatusAsync("tap-prod");
        Assert.Equal(T0.AddHours(-2), status.Checkpoint);
        Assert.Equal(1, await RequestsTo("/v2/siem/all"));

        _simulator.Faults = new TapFaults();
        _clock.Advance(TimeSpan.FromMinutes(30));
        await host.SendAsync(new SourceCommands.PollNow("tap-prod"));
        await kit.AwaitAssertAsync(async () => Assert.Equal(T0.AddMinutes(28), (await host.StatusAsync("tap-prod")).Checkpoint), Wait);
        Assert.True(await RequestsTo("/v2/siem/all") <= 50);
    }

    [Fact]
    public async Task Late_indexed_events_are_found_by_the_re_sweep()
    {
        await using var late = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions
        {
            Seed = 23, ThreatsPerHour = 240, Clock = _clock, MaxIndexDelay = TimeSpan.FromMinutes(30),
        });
        await using var host = await EngineHost.StartAsync(_journal, _protector, _clock);
        var kit = new TestKit(host.System);
        await host.ConfigureAsync(Source() with { BaseUrl = late.BaseUrl.ToString() }, _protector);
        await kit.AwaitAssertAsync(async () => Assert.Equal(T0.AddMinutes(-2), (await host.StatusAsync("tap-prod")).Checkpoint), Wait);

        var truth = late.Generator.Truth(T0.AddHours(-2), T0.AddMinutes(-2)).Select(t => (t.Type, t.Value)).ToHashSet();
        var firstPass = Stored(await host.EventsAsync("tap-prod")).Keys.ToHashSet();
        Assert.True(truth.Except(firstPass).Any(), "Some events should still have been unindexed at the first pass.");

        _clock.Advance(TimeSpan.FromHours(1));
        await host.SendAsync(new SourceCommands.PollNow("tap-prod"));
        await kit.AwaitAssertAsync(async () =>
        {
            var stored = Stored(await host.EventsAsync("tap-prod")).Keys.ToHashSet();
            Assert.Empty(truth.Except(stored));
        }, Wait);
        Assert.Contains((await host.EventsAsync("tap-prod")).OfType<SourceEvents.WindowCompleted>(), w => w.Window.Kind == WindowKind.Resweep);
    }

    [Fact]
    public async Task The_journal_holds_neither_the_secret_nor_a_clr_type_name()
    {
        await using (var host = await EngineHost.StartAsync(_journal, _protector, _clock))
        {
            var kit = new TestKit(host.System);
            await host.ConfigureAsync(Source(), _protector);
            await kit.AwaitAssertAsync(async () => Assert.NotNull((await host.StatusAsync("tap-prod")).Checkpoint), Wait);
        }
        var bytes = await TestJournal.StoredBytesAsync(_journal);
        Assert.True(bytes.Length > 0);
        Assert.Equal(-1, bytes.AsSpan().IndexOf("sim-secret"u8));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("$type"u8));
        Assert.NotEqual(-1, bytes.AsSpan().IndexOf("source.window-completed.v1"u8));
    }

    [Fact]
    public async Task Invalid_configuration_is_rejected_with_every_broken_rule_and_nothing_is_persisted()
    {
        await using var host = await EngineHost.StartAsync(_journal, _protector, _clock);
        var reply = await host.ConfigureAsync(Source() with { InitialRangeHours = 13, PollIntervalSeconds = 10 }, _protector);
        var rejected = Assert.IsType<SourceReplies.Rejected>(reply);
        Assert.Contains(rejected.Errors, e => e.Message == "Initial Range (in hours) must be an integer in range 1 to 12.");
        Assert.Contains(rejected.Errors, e => e.Field == "pollIntervalSeconds");
        Assert.Empty(await host.EventsAsync("tap-prod"));
    }

    [Fact]
    public async Task Pause_stops_polling_resume_restarts_it_and_delete_is_idempotent()
    {
        await using var host = await EngineHost.StartAsync(_journal, _protector, _clock);
        var kit = new TestKit(host.System);
        await host.ConfigureAsync(Source(), _protector);
        await kit.AwaitAssertAsync(async () => Assert.Equal(T0.AddMinutes(-2), (await host.StatusAsync("tap-prod")).Checkpoint), Wait);

        await host.SendAsync(new SourceCommands.Pause("tap-prod"));
        _clock.Advance(TimeSpan.FromMinutes(30));
        await host.SendAsync(new SourceCommands.PollNow("tap-prod"));
        var paused = await host.StatusAsync("tap-prod");
        Assert.True(paused.Paused);
        Assert.Equal(0, paused.WindowsBehind);
        Assert.Equal(T0.AddMinutes(-2), paused.Checkpoint);

        await host.SendAsync(new SourceCommands.Resume("tap-prod"));
        await kit.AwaitAssertAsync(async () => Assert.Equal(T0.AddMinutes(28), (await host.StatusAsync("tap-prod")).Checkpoint), Wait);

        Assert.IsType<SourceReplies.Accepted>(await host.SendAsync(new SourceCommands.Delete("tap-prod")));
        Assert.IsType<SourceReplies.Accepted>(await host.SendAsync(new SourceCommands.Delete("tap-prod")));
        Assert.Single((await host.EventsAsync("tap-prod")).OfType<SourceEvents.Deleted>());
        Assert.True((await host.StatusAsync("tap-prod")).Deleted);
    }

    private async Task<int> RequestsTo(string path)
    {
        using var http = new HttpClient { BaseAddress = _simulator.BaseUrl };
        var counts = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<Dictionary<string, int>>(http, "/_sim/requests");
        return counts!.GetValueOrDefault(path);
    }
}

public sealed class SourceEntitySpecsOnSqlite() : SourceEntitySpecs(JournalKind.Sqlite);

public sealed class SourceEntitySpecsOnPostgreSql() : SourceEntitySpecs(JournalKind.PostgreSql);
