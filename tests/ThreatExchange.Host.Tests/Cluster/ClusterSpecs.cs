using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ThreatExchange.Simulators.Netskope;
using ThreatExchange.Simulators.Proofpoint;
using ThreatExchange.Tests;
using Xunit.Abstractions;

namespace ThreatExchange.Host.Tests.Cluster;

/// <summary>
/// The cluster as docker-compose runs it, as processes on 127.0.0.1 sharing one PostgreSQL journal: forming, a join
/// that takes shards, a graceful leave, and kill -9 of the oldest node, each ending with the Netskope lists equal to
/// the TAP simulator's truth and Proofpoint asked exactly once per recorded window while nothing was killed.
/// </summary>
public sealed partial class ClusterSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private const int SourceCount = 6;
    private const int Budget = 1800;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private static readonly string[] UrlTypes = ["url", "domain", "fqdn", "ipv4", "ipv6"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _folder = Directory.CreateTempSubdirectory("te-cluster-").FullName;
    private readonly string _secretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<ClusterNode> _nodes = [];
    private ProofpointSimulator _tap = null!;
    private NetskopeSimulator _netskope = null!;
    private string _postgres = null!;
    private List<string> _seeds = null!;
    private (int A, int B) _seedPorts;

    private static IEnumerable<string> Names => Enumerable.Range(1, SourceCount).Select(i => $"tap-{i}");

    public async Task InitializeAsync()
    {
        _postgres = (await TestPostgres.CreateDatabaseAsync()).ConnectionString;
        _tap = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 8, ThreatsPerHour = 40, MaxIndexDelay = TimeSpan.FromSeconds(1) });
        _netskope = await NetskopeSimulator.StartAsync(new NetskopeSimulatorOptions { RequestsPerSecond = 0 });
        _seedPorts = (ClusterNode.FreePort(), ClusterNode.FreePort());
        _seeds = [ClusterNode.AddressFor(_seedPorts.A), ClusterNode.AddressFor(_seedPorts.B)];
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            output.WriteLine(node.Tail());
        foreach (var node in _nodes)
            await node.DisposeAsync();
        await _tap.DisposeAsync();
        await _netskope.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<ClusterNode> StartNode(string name, int? port = null)
    {
        var node = ClusterNode.Start(name, _folder, port ?? ClusterNode.FreePort(), _seeds, _postgres, _secretKey);
        _nodes.Add(node);
        await Eventually(async () => Assert.True(await node.ReadyAsync(), $"{name} is not Up"));
        return node;
    }

    private static Task Eventually(Func<Task> assertion, TimeSpan? within = null) => ThreatExchange.Tests.Eventually.HoldsAsync(assertion, within ?? Wait);

    private static async Task Put(ClusterNode node, string path, object body)
    {
        var response = await node.Api.PutAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task Configure(ClusterNode node)
    {
        foreach (var i in Enumerable.Range(1, SourceCount))
        {
            await Put(node, $"/api/tenants/netskope-{i}", new
            {
                name = $"netskope-{i}", tenantUrl = _netskope.BaseUrl.ToString(), v2Token = "sim-v2-token", v1Token = "sim-v1-token",
                urlListName = $"urls-{i}", fileHashListName = $"hashes-{i}",
            });
            // Every source uses the one credential the simulator knows: their budget is one entity for the whole cluster.
            await Put(node, $"/api/sources/tap-{i}", new
            {
                name = $"tap-{i}", baseUrl = _tap.BaseUrl.ToString(), principal = "sim-principal", secret = "sim-secret",
                initialRangeHours = 2, pollIntervalSeconds = 60, requestBudgetPerDay = Budget,
            });
            await Put(node, $"/api/sharing/tap-{i}-to-netskope", new { name = $"tap-{i}-to-netskope", source = $"tap-{i}", tenant = $"netskope-{i}" });
        }
    }

    private sealed record SourceView(string SourceName, bool Paused, DateTimeOffset? Checkpoint, int WindowsBehind, int? BudgetLeft, long WindowsCompleted, string Node);

    private static async Task<SourceView> Source(ClusterNode node, string name) =>
        (await node.Api.GetFromJsonAsync<SourceView>($"/api/sources/{name}", Json))!;

    private static async Task SetPaused(ClusterNode node, bool paused)
    {
        foreach (var name in Names)
            (await node.Api.PostAsync($"/api/sources/{name}/{(paused ? "pause" : "resume")}", null)).EnsureSuccessStatusCode();
    }

    private async Task<IReadOnlyDictionary<string, int>> TapRequests()
    {
        using var http = new HttpClient { BaseAddress = _tap.BaseUrl };
        return (await http.GetFromJsonAsync<Dictionary<string, int>>("/_sim/requests"))!;
    }

    [GeneratedRegex(@"^Window (\S+)/(\S+) ")]
    private static partial Regex WindowMessage();

    /// <summary>Where the source started: the first window the audit log records for it.</summary>
    private static async Task<DateTimeOffset> FirstWindowStart(ClusterNode node, string name)
    {
        var audit = await node.Api.GetFromJsonAsync<JsonElement[]>($"/api/audit?configuration={name}&limit=1000", Json);
        var starts = audit!.Select(a => WindowMessage().Match(a.GetProperty("message").GetString()!)).Where(m => m.Success)
            .Select(m => DateTimeOffset.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(starts);
        return starts.Min();
    }

    /// <summary>Polling paused, Proofpoint asked once per recorded window plus once per saved configuration, and every request paid for by the one budget.</summary>
    private async Task AssertPausedAndAskedOncePerWindow(ClusterNode node)
    {
        await SetPaused(node, paused: true);
        await Eventually(async () =>
        {
            var views = await Task.WhenAll(Names.Select(n => Source(node, n)));
            var requests = await TapRequests();
            Assert.All(views, v => Assert.True(v.Paused));
            Assert.Equal(views.Sum(v => v.WindowsCompleted) + SourceCount, requests.GetValueOrDefault("200"));
            Assert.Equal(Budget - views[0].BudgetLeft, requests.GetValueOrDefault("/v2/siem/all"));
        });
        await SetPaused(node, paused: false);
    }

    /// <summary>Each list holds exactly the active URL-type IoCs of its source's range, each once.</summary>
    private async Task AssertListsEqualTruth(ClusterNode node)
    {
        await SetPaused(node, paused: true);
        using var http = new HttpClient { BaseAddress = _netskope.BaseUrl };
        // Read afresh on every attempt: a poll in flight when the pause landed is still recorded and moves the checkpoint once more.
        await Eventually(async () =>
        {
            var lists = (await http.GetFromJsonAsync<Dictionary<string, JsonElement>>("/_sim/urllists"))!;
            foreach (var (name, i) in Names.Select((n, i) => (n, i + 1)))
            {
                var view = await Source(node, name);
                Assert.True(view.Paused);
                var expected = _tap.Generator.Truth(await FirstWindowStart(node, name), view.Checkpoint!.Value)
                    .Where(t => t.ThreatStatus == "active" && UrlTypes.Contains(t.Type)).Select(t => t.Value).Order(StringComparer.Ordinal).ToArray();
                Assert.NotEmpty(expected);
                Assert.True(lists.ContainsKey($"urls-{i}"), $"urls-{i} was never created");
                var deployed = lists[$"urls-{i}"].GetProperty("urls").EnumerateArray().Select(u => u.GetString()!).ToList();
                Assert.Equal(deployed.Count, deployed.Distinct().Count());
                Assert.Equal(expected, deployed.Order(StringComparer.Ordinal).ToArray());
            }
        });
        await SetPaused(node, paused: false);
    }

    [Fact]
    public async Task Three_nodes_form_rebalance_on_join_hand_off_on_leave_and_fail_over_on_kill_9_with_every_ioc_shared_once()
    {
        // Forming: two seeds, sources spread over both.
        var a = await StartNode("a", _seedPorts.A);
        var b = await StartNode("b", _seedPorts.B);
        await Eventually(async () => Assert.Equal(2, (await a.UpMembersAsync()).Count));
        await Configure(a);
        await Eventually(async () =>
        {
            var perNode = await a.SourcesPerNodeAsync();
            Assert.Equal(SourceCount, perNode.Values.Sum());
            Assert.All(new[] { a, b }, n => Assert.True(perNode.GetValueOrDefault(n.Address) > 0, $"{n.Name} holds no source"));
            Assert.All(await Task.WhenAll(Names.Select(n => Source(a, n))), v => Assert.Equal(0, v.WindowsBehind));
        });
        await AssertListsEqualTruth(b);

        // Join: a third node takes shards, and the sources it takes over were handed off without a window asked twice.
        var c = await StartNode("c");
        await Eventually(async () => Assert.True((await a.SourcesPerNodeAsync()).GetValueOrDefault(c.Address) > 0, "c took no source"));
        await AssertPausedAndAskedOncePerWindow(c);
        await AssertListsEqualTruth(c);

        // Graceful leave: c's sources move to a and b, again without a window asked twice.
        await c.PbmAsync("cluster", "leave");
        await c.WaitForExitAsync(Wait);
        await Eventually(async () =>
        {
            var perNode = await a.SourcesPerNodeAsync();
            Assert.False(perNode.ContainsKey(c.Address));
            Assert.Equal(SourceCount, perNode.Values.Sum());
        });
        await AssertPausedAndAskedOncePerWindow(a);
        await AssertListsEqualTruth(a);

        // kill -9 of the oldest node (the coordinator and the read side's home): the resolver downs it and its sources poll on the others.
        var d = await StartNode("d");
        await Eventually(async () => Assert.Equal(3, (await b.UpMembersAsync()).Count));
        var before = await Task.WhenAll(Names.Select(n => Source(b, n)));
        var onKilledNode = before.Where(v => v.Node == a.Address).ToList();
        Assert.NotEmpty(onKilledNode);
        var killed = Stopwatch.StartNew();
        a.Kill();
        // The sources the dead node held come back on the others by themselves (remember-entities) and poll at once.
        await Eventually(async () =>
        {
            foreach (var previous in onKilledNode)
            {
                var now = await Source(b, previous.SourceName);
                Assert.NotEqual(a.Address, now.Node);
                Assert.True(now.WindowsCompleted > previous.WindowsCompleted, $"{previous.SourceName} has not polled since the kill");
            }
        }, TimeSpan.FromSeconds(120));
        output.WriteLine($"failover: the {onKilledNode.Count} sources of the killed node polled again on the others {killed.Elapsed.TotalSeconds:F1} s after kill -9");
        await Eventually(async () =>
        {
            Assert.DoesNotContain(a.Address, await b.UpMembersAsync());
            var perNode = await b.SourcesPerNodeAsync();
            Assert.Equal(SourceCount, perNode.Values.Sum());
            Assert.False(perNode.ContainsKey(a.Address));
        });

        await AssertListsEqualTruth(d);
        // The budget stayed one cluster-wide entity: it paid for every request Proofpoint saw, across the failover too.
        var requests = await TapRequests();
        Assert.True(Budget - (await Source(b, "tap-1")).BudgetLeft >= requests.GetValueOrDefault("/v2/siem/all"));
    }
}
