using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ThreatExchange.Simulators.Proofpoint;
using ThreatExchange.Tests;

namespace ThreatExchange.Benchmarks;

/// <summary>
/// N sources on local host processes sharing one PostgreSQL journal, polling the TAP simulator every minute, each with
/// its own credential and its own threats (as N customers would have): prints the polls per second sustained, CPU and RSS per node, managed heap per entity and, with
/// three nodes or more, the failover time after kill -9 of the oldest node.
/// </summary>
internal static class ScaleHarness
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);

    private sealed record SourceView(string SourceName, long WindowsCompleted, int WindowsBehind, string Node);

    public static async Task<int> RunAsync(int sources, int nodeCount, TimeSpan measure)
    {
        var folder = Directory.CreateTempSubdirectory("te-scale-").FullName;
        var nodes = new List<ClusterNode>();
        try
        {
            var journal = await TestPostgres.CreateDatabaseAsync();
            await using var tap = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions
            {
                Seed = 5, ThreatsPerHour = 30, AnyPrincipal = true, DataPerPrincipal = true, MaxIndexDelay = TimeSpan.FromSeconds(1),
            });
            using var tapHttp = new HttpClient { BaseAddress = tap.BaseUrl };
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var ports = Enumerable.Range(0, nodeCount).Select(_ => ClusterNode.FreePort()).ToList();
            var seeds = ports.Take(2).Select(ClusterNode.AddressFor).ToList();

            var formed = Stopwatch.StartNew();
            for (var i = 0; i < nodeCount; i++)
            {
                // One at a time: the first creates the journal's tables, and each joins a cluster that is already Up.
                var node = ClusterNode.Start($"node{i + 1}", folder, ports[i], seeds, journal.ConnectionString, key);
                nodes.Add(node);
                await Until(node.ReadyAsync, TimeSpan.FromSeconds(60), $"{node.Name} did not come Up");
            }
            Console.WriteLine($"{nodeCount} node(s) Up in {formed.Elapsed.TotalSeconds:F1} s");
            var idle = await Task.WhenAll(nodes.Select(Metrics));

            var saving = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(1, sources), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, cancel) =>
            {
                var node = nodes[i % nodeCount];
                var response = await node.Api.PutAsJsonAsync($"/api/sources/scale-{i}", new
                {
                    name = $"scale-{i}", baseUrl = tap.BaseUrl.ToString(), principal = $"principal-{i}", secret = "sim-secret",
                    initialRangeHours = 1, pollIntervalSeconds = 60,
                }, cancel);
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"scale-{i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancel)}");
            });
            Console.WriteLine($"{sources:N0} sources saved (each checked against TAP) in {saving.Elapsed.TotalSeconds:F1} s = {sources / saving.Elapsed.TotalSeconds:F0}/s");

            // Warm-up: every source has done its credential check and its catch-up window, and a whole poll interval
            // has passed since the last save, so what is measured is the steady minute-by-minute polling.
            var warm = Stopwatch.StartNew();
            await Until(async () => await Served(tapHttp) >= 2L * sources, TimeSpan.FromMinutes(10), "the sources did not catch up");
            Console.WriteLine($"caught up {warm.Elapsed.TotalSeconds:F1} s after the last save");
            if (warm.Elapsed < Settle)
                await Task.Delay(Settle - warm.Elapsed);

            var before = nodes.Select(n => n.Usage()).ToList();
            var servedBefore = await Served(tapHttp);
            var clock = Stopwatch.StartNew();
            await Task.Delay(measure);
            var elapsed = clock.Elapsed;
            var servedAfter = await Served(tapHttp);
            var after = nodes.Select(n => n.Usage()).ToList();
            var busy = await Task.WhenAll(nodes.Select(Metrics));
            Console.WriteLine($"sustained: {(servedAfter - servedBefore) / elapsed.TotalSeconds:F1} polls/s over {elapsed.TotalSeconds:F0} s (expected {sources / 60.0:F1} at one per source per minute)");
            for (var i = 0; i < nodeCount; i++)
            {
                var cores = (after[i].Cpu - before[i].Cpu).TotalSeconds / elapsed.TotalSeconds;
                var entities = busy[i].Entities;
                var perEntity = entities > 0 ? (busy[i].Heap - idle[i].Heap) / (double)entities : 0;
                Console.WriteLine($"{nodes[i].Name}: CPU {cores:F2} cores | RSS {after[i].ResidentBytes / 1048576.0:F0} MB | heap {busy[i].Heap / 1048576.0:F0} MB " +
                    $"| {entities:N0} source entities | heap per source entity {perEntity / 1024:F1} KB (with its budget entity)");
            }

            if (nodeCount >= 3)
                await Failover(nodes, sources);
            return 0;
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>kill -9 of the oldest node: time until a sample of its sources answers from the others having polled again.</summary>
    private static async Task Failover(List<ClusterNode> nodes, int sources)
    {
        var victim = nodes[0];
        var survivor = nodes[1];
        var sample = new List<SourceView>();
        for (var i = 1; i <= sources && sample.Count < 20; i++)
        {
            var view = await survivor.Api.GetFromJsonAsync<SourceView>($"/api/sources/scale-{i}", Json);
            if (view!.Node == victim.Address)
                sample.Add(view);
        }
        var killed = Stopwatch.StartNew();
        victim.Kill();
        await Until(async () =>
        {
            foreach (var previous in sample)
            {
                var now = await survivor.Api.GetFromJsonAsync<SourceView>($"/api/sources/{previous.SourceName}", Json);
                if (now!.Node == victim.Address || now.WindowsCompleted <= previous.WindowsCompleted)
                    return false;
            }
            return true;
        }, TimeSpan.FromMinutes(5), "the killed node's sources did not poll again");
        Console.WriteLine($"failover: {sample.Count} sampled sources of the killed node polled again on the others {killed.Elapsed.TotalSeconds:F1} s after kill -9");
    }

    private static async Task<long> Served(HttpClient tap) =>
        (await tap.GetFromJsonAsync<Dictionary<string, long>>("/_sim/requests"))!.GetValueOrDefault("200");

    private static async Task<(long Heap, long Entities)> Metrics(ClusterNode node)
    {
        var text = await node.Api.GetStringAsync("/metrics");
        long Read(string name) => text.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(name.Length + 1)..], CultureInfo.InvariantCulture)).FirstOrDefault();
        return (Read("te_gc_heap_bytes"), Read("te_source_entities"));
    }

    private static Task Until(Func<Task<bool>> condition, TimeSpan within, string failure) =>
        Eventually.HoldsAsync(async () =>
        {
            if (!await condition())
                throw new TimeoutException(failure);
        }, within);
}
