using System.Diagnostics;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine;
using ThreatExchange.Engine.Persistence;
using ThreatExchange.Engine.Sources;
using ThreatExchange.Simulators.Proofpoint;

namespace ThreatExchange.Benchmarks;

/// <summary>
/// <c>engine</c>: the source entity's figures on a real SQLite file: recovery time with 100,000 known IoCs,
/// heap per idle entity over 10,000 entities, and catch-up windows per second against the TAP simulator.
/// </summary>
public static class EngineHarness
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(int entities)
    {
        var folder = Directory.CreateTempSubdirectory("te-harness-").FullName;
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(32));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        try
        {
            await using var simulator = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions
            {
                Seed = 5, ThreatsPerHour = 1000, Clock = clock, MaxIndexDelay = TimeSpan.FromMinutes(1),
            });
            var configuration = new SourceConfiguration
            {
                Name = "bench", BaseUrl = simulator.BaseUrl.ToString(), Principal = "sim-principal", Secret = new Secret("sim-secret"),
                InitialRangeHours = 12, LookBackLimitHours = 168,
            };
            await Recovery(folder, protector, clock, configuration);
            await CatchUp(folder, protector, clock, configuration);
            await IdleHeap(folder, protector, clock, configuration, entities);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task Recovery(string folder, SecretProtector protector, TimeProvider clock, SourceConfiguration configuration)
    {
        var database = Path.Combine(folder, "recovery.db");
        var now = clock.GetUtcNow();
        var known = Enumerable.Range(0, 100_000)
            .Select(n => new KnownIocEntry($"http://evil{n}.bad{n % 97}.zz/p/{n % 13}/login.php?id={n}", "active", now.AddMinutes(-n % 5000), now))
            .ToList();
        var snapshot = new SourceSnapshot("bench", StoredSource.Protect(configuration, protector), now, now, known,
            Paused: true, Deleted: false, WindowsCompleted: 1000, Gaps: [], LastError: null, LastErrorAt: null, ConsecutiveFailures: 0, RetryNotBefore: null);
        await using (var host = await Host(database, protector, clock))
        {
            var store = Persistence.Instance.Apply(host.System).SnapshotStoreFor(null);
            await store.Ask<SaveSnapshotSuccess>(new SaveSnapshot(new SnapshotMetadata("source-bench", 1, DateTime.UtcNow), snapshot), Ask);
        }
        await using (var host = await Host(database, protector, clock))
        {
            var watch = Stopwatch.StartNew();
            var status = await host.Sources.Ask<SourceReplies.Status>(new SourceQueries.GetStatus("bench"), Ask);
            Console.WriteLine($"recovery: {status.KnownIocs:N0} known IoCs recovered in {watch.Elapsed.TotalMilliseconds:F0} ms (first message to reply, snapshot of {new FileInfo(database).Length / 1_048_576.0:F1} MB)");
        }
    }

    private static async Task CatchUp(string folder, SecretProtector protector, FakeTimeProvider clock, SourceConfiguration configuration)
    {
        await using var host = await Host(Path.Combine(folder, "catchup.db"), protector, clock);
        var name = configuration.Name + "-catchup";
        await host.Sources.Ask<ISourceReply>(new SourceCommands.Configure(name, StoredSource.Protect(configuration with { Name = name }, protector)), Ask);
        var initial = await WaitForCheckpoint(host, name, clock.GetUtcNow().AddMinutes(-2));

        clock.Advance(TimeSpan.FromHours(48));
        var watch = Stopwatch.StartNew();
        await host.Sources.Ask<ISourceReply>(new SourceCommands.PollNow(name), Ask);
        var final = await WaitForCheckpoint(host, name, clock.GetUtcNow().AddMinutes(-2));
        var windows = final.WindowsCompleted - initial.WindowsCompleted;
        Console.WriteLine($"catch-up: {windows} windows (primary windows, 48 h behind at 1,000 events/h, {final.KnownIocs:N0} known IoCs) in {watch.Elapsed.TotalSeconds:F1} s = {windows / watch.Elapsed.TotalSeconds:F1} windows/s");
    }

    private static async Task<SourceReplies.Status> WaitForCheckpoint(RunningHost host, string name, DateTimeOffset target)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var status = await host.Sources.Ask<SourceReplies.Status>(new SourceQueries.GetStatus(name), Ask);
            if (status.Checkpoint >= target && status.WindowsBehind == 0 || deadline.Elapsed > TimeSpan.FromMinutes(5))
                return status;
            await Task.Delay(20);
        }
    }

    private static async Task IdleHeap(string folder, SecretProtector protector, TimeProvider clock, SourceConfiguration configuration, int entities)
    {
        await using var host = await Host(Path.Combine(folder, "idle.db"), protector, clock);
        var paused = StoredSource.Protect(configuration, protector);
        var before = Heap();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, entities), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (n, _) =>
        {
            var name = $"idle-{n}";
            await host.Sources.Ask<ISourceReply>(new SourceCommands.Configure(name, paused with { Name = name, ProtectedSecret = protector.Protect(configuration.Secret, StoredSource.SecretPurpose(name)) }), Ask);
            await host.Sources.Ask<ISourceReply>(new SourceCommands.Pause(name), Ask);
        });
        var after = Heap();
        Console.WriteLine($"idle entities: {entities:N0} configured and paused in {watch.Elapsed.TotalSeconds:F1} s; heap {(after - before) / (double)entities / 1024:F1} KB per entity ({after / 1_048_576.0:F0} MB total)");
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private sealed class RunningHost(IHost host) : IAsyncDisposable
    {
        public ActorSystem System => host.Services.GetRequiredService<ActorSystem>();
        public IActorRef Sources => host.Services.GetRequiredService<IRequiredActor<SourceRegion>>().ActorRef;

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static async Task<RunningHost> Host(string database, SecretProtector protector, TimeProvider clock)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .ConfigureServices(services => services.AddAkka("te-harness", builder => builder
                .WithAkkaHocon()
                .AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend)
                .WithThreatExchangePersistence(JournalSettings.SqliteFile(database))
                .WithThreatExchangeCluster()
                .WithSources(new SourceSettings(), protector, clock)))
            .Build();
        await host.StartAsync();
        return new RunningHost(host);
    }
}
