using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine;
using ThreatExchange.Engine.Persistence;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Engine.Sources;
using ThreatExchange.Simulators.Netskope;
using ThreatExchange.Simulators.Proofpoint;

namespace ThreatExchange.Benchmarks;

/// <summary>
/// <c>sharing [batch-window-ms]</c>: TAP simulator → source → sharing → Netskope simulator on the real clock and a
/// SQLite file; prints end-to-end IoCs per second and the time from each window's event being persisted to
/// Netskope accepting its IoCs (p50, p99).
/// </summary>
public static class SharingHarness
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(int batchWindowMs)
    {
        var folder = Directory.CreateTempSubdirectory("te-sharing-harness-").FullName;
        var database = Path.Combine(folder, "sharing.db");
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(32));
        await using var tap = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 9, ThreatsPerHour = 2000, MaxIndexDelay = TimeSpan.FromMinutes(1) });
        await using var netskope = await NetskopeSimulator.StartAsync(new NetskopeSimulatorOptions { RequestsPerSecond = 0 });
        var host = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .ConfigureServices(s => s.AddAkka("te-sharing-harness", b => b
                .WithAkkaHocon()
                .AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend)
                .WithThreatExchangePersistence(JournalSettings.SqliteFile(database))
                .WithThreatExchangeCluster()
                .WithSources(new SourceSettings(), protector, TimeProvider.System)
                .WithSharing(new SharingSettings { BatchWindow = TimeSpan.FromMilliseconds(batchWindowMs) }, protector, TimeProvider.System)))
            .Build();
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var sources = host.Services.GetRequiredService<IRequiredActor<SourceRegion>>().ActorRef;
            var sharing = host.Services.GetRequiredService<IRequiredActor<SharingRegion>>().ActorRef;
            var tenant = new TenantConfiguration
            {
                Name = "bench", TenantUrl = netskope.BaseUrl.ToString(), V2Token = new Secret("sim-v2-token"), V1Token = new Secret("sim-v1-token"),
                UrlListName = "urls", FileHashListName = "hashes",
            };
            var watch = Stopwatch.StartNew();
            await sources.Ask<ISourceReply>(new SourceCommands.Configure("bench", StoredSource.Protect(new SourceConfiguration
            {
                Name = "bench", BaseUrl = tap.BaseUrl.ToString(), Principal = "sim-principal", Secret = new Secret("sim-secret"), InitialRangeHours = 12,
            }, protector)), Ask);
            var accepted = await sharing.Ask<ISharingReply>(new SharingCommands.Configure("bench-rule", new SharingRule { Name = "bench-rule", Source = "bench", Tenant = "bench" },
                StoredTenant.Protect(tenant, protector)), Ask);
            if (accepted is SharingReplies.Rejected rejected)
                throw new InvalidOperationException(string.Join(" ", rejected.Errors));

            SharingReplies.Status status;
            var windowsDone = 0L;
            do
            {
                await Task.Delay(100);
                var source = await sources.Ask<SourceReplies.Status>(new SourceQueries.GetStatus("bench"), Ask);
                windowsDone = source.WindowsCompleted;
                status = await sharing.Ask<SharingReplies.Status>(new SharingQueries.GetStatus("bench-rule"), Ask);
            } while ((windowsDone < 12 || !await Settled(system)) && watch.Elapsed < TimeSpan.FromMinutes(5));
            var elapsed = watch.Elapsed;
            status = await sharing.Ask<SharingReplies.Status>(new SharingQueries.GetStatus("bench-rule"), Ask);

            var latencies = await Latencies(system);
            var shared = status.UrlListCount + status.FileHashCount;
            Console.WriteLine($"end to end: {shared:N0} IoCs from {windowsDone} windows shared in {elapsed.TotalSeconds:F1} s = {shared / elapsed.TotalSeconds:F0} IoCs/s (batch window {batchWindowMs} ms)");
            Console.WriteLine($"persisted → accepted: p50 {Percentile(latencies, 0.5):F0} ms, p99 {Percentile(latencies, 0.99):F0} ms over {latencies.Count} windows");
            using var admin = new HttpClient { BaseAddress = netskope.BaseUrl };
            var requests = await admin.GetFromJsonAsync<Dictionary<string, int>>("/_sim/requests");
            Console.WriteLine($"netskope requests: {string.Join(", ", requests!.Select(r => $"{r.Key}={r.Value}"))}");
            return 0;
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>True once the rule has shared everything up to the source's last event.</summary>
    private static async Task<bool> Settled(ActorSystem system)
    {
        var (source, sharing) = await Events(system);
        var last = source.Where(e => e.Event is SourceEvents.WindowCompleted).Select(e => e.SequenceNr).DefaultIfEmpty(0).Max();
        return last > 0 && sharing.Select(e => e.Event).OfType<SharingEvents.BatchShared>().Any(b => b.ThroughSequenceNr >= last);
    }

    private static async Task<List<double>> Latencies(ActorSystem system)
    {
        var (source, sharing) = await Events(system);
        var batches = sharing.Select(e => e.Event).OfType<SharingEvents.BatchShared>().ToList();
        return source.Where(e => e.Event is SourceEvents.WindowCompleted { Iocs.Count: > 0 })
            .Select(e => (e.SequenceNr, ((SourceEvents.WindowCompleted)e.Event).At))
            .Select(w => batches.FirstOrDefault(b => b.ThroughSequenceNr >= w.SequenceNr) is { } b ? (b.At - w.At).TotalMilliseconds : double.NaN)
            .Where(ms => !double.IsNaN(ms))
            .Order()
            .ToList();
    }

    private static async Task<(IReadOnlyList<EventEnvelope> Source, IReadOnlyList<EventEnvelope> Sharing)> Events(ActorSystem system)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var source = await journal.CurrentEventsByPersistenceId("source-bench", 0, long.MaxValue).RunWith(Sink.Seq<EventEnvelope>(), system.Materializer());
        var sharing = await journal.CurrentEventsByPersistenceId("sharing-bench-rule", 0, long.MaxValue).RunWith(Sink.Seq<EventEnvelope>(), system.Materializer());
        return (source, sharing);
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
