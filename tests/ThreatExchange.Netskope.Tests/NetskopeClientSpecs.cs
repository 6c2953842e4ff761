using System.Net.Http.Json;
using System.Text.Json;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Simulators.Netskope;

namespace ThreatExchange.Netskope.Tests;

/// <summary>The clients against the Netskope simulator over real loopback HTTP.</summary>
public sealed class NetskopeClientSpecs
{
    private sealed class Tenant : IAsyncDisposable
    {
        private Tenant(NetskopeSimulator simulator, NetskopeClientOptions options)
        {
            Simulator = simulator;
            Http = new NetskopeHttp(options, TimeProvider.System);
            UrlLists = new UrlListClient(Http);
            FileHashes = new FileHashListClient(Http);
        }

        public NetskopeSimulator Simulator { get; }
        public NetskopeHttp Http { get; }
        public UrlListClient UrlLists { get; }
        public FileHashListClient FileHashes { get; }

        public static async Task<Tenant> StartAsync(NetskopeSimulatorOptions? options = null, string token = "sim-v2-token", string v1 = "sim-v1-token",
            TimeSpan? timeout = null, int attempts = 4, bool trailingSlash = false)
        {
            var simulator = await NetskopeSimulator.StartAsync(options ?? new NetskopeSimulatorOptions());
            var url = simulator.BaseUrl.ToString().TrimEnd('/') + (trailingSlash ? "/" : "");
            return new Tenant(simulator, new NetskopeClientOptions
            {
                TenantUrl = new Uri(url), V2Token = new Secret(token), V1Token = new Secret(v1),
                RequestTimeout = timeout ?? TimeSpan.FromSeconds(10), MaxAttempts = attempts, RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            });
        }

        public async Task<Dictionary<string, JsonElement>> Deployed(string path)
        {
            using var http = new HttpClient { BaseAddress = Simulator.BaseUrl };
            return (await http.GetFromJsonAsync<Dictionary<string, JsonElement>>(path))!;
        }

        public async Task<string[]> DeployedUrls(string list) =>
            (await Deployed("/_sim/urllists"))[list].GetProperty("urls").EnumerateArray().Select(u => u.GetString()!).ToArray();

        public async Task<string[]> DeployedHashes(string list) =>
            (await Deployed("/_sim/filehashlists"))[list].EnumerateArray().Select(u => u.GetString()!).ToArray();

        public async Task<int> Requests(string key) =>
            (await Deployed("/_sim/requests")).TryGetValue(key, out var n) ? n.GetInt32() : 0;

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Simulator.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_list_is_created_with_its_first_batch_appended_to_and_applied_only_by_deploy()
    {
        await using var tenant = await Tenant.StartAsync(trailingSlash: true);
        Assert.Null(await tenant.UrlLists.FindAsync("iocs"));

        var created = await tenant.UrlLists.CreateAsync("iocs", "exact", ["http://a.zz/1", "b.zz"]);
        await tenant.UrlLists.AppendAsync(created.ListId, "exact", ["http://c.zz/3"]);
        Assert.Empty(await tenant.DeployedUrls("iocs"));

        await tenant.UrlLists.DeployAsync();

        Assert.Equal(["http://a.zz/1", "b.zz", "http://c.zz/3"], await tenant.DeployedUrls("iocs"));
        Assert.Equal(new UrlListInfo(created.ListId, "iocs"), await tenant.UrlLists.FindAsync("iocs"));
    }

    [Fact]
    public async Task Re_sending_the_same_batch_leaves_the_list_unchanged()
    {
        await using var tenant = await Tenant.StartAsync();
        var created = await tenant.UrlLists.CreateAsync("iocs", "exact", ["http://a.zz/1"]);
        await tenant.UrlLists.AppendAsync(created.ListId, "exact", ["http://a.zz/1", "http://b.zz/2"]);
        await tenant.UrlLists.AppendAsync(created.ListId, "exact", ["http://a.zz/1", "http://b.zz/2"]);
        await tenant.UrlLists.DeployAsync();
        Assert.Equal(["http://a.zz/1", "http://b.zz/2"], await tenant.DeployedUrls("iocs"));
    }

    [Fact]
    public async Task Rejected_values_are_dropped_reported_and_the_rest_sent_once_more()
    {
        await using var tenant = await Tenant.StartAsync();
        var created = await tenant.UrlLists.CreateAsync("iocs", "exact", ["http://a.zz/1"]);
        var result = await tenant.UrlLists.AppendAsync(created.ListId, "exact", ["http://b.zz/2", "http://bad.zz/<script>", "http://c.zz/3"]);
        await tenant.UrlLists.DeployAsync();

        Assert.Equal([new RejectedValue("http://bad.zz/<script>", "Invalid URL format.")], result.Rejected);
        Assert.Equal(["http://b.zz/2", "http://c.zz/3"], result.Accepted);
        Assert.Equal(["http://a.zz/1", "http://b.zz/2", "http://c.zz/3"], await tenant.DeployedUrls("iocs"));
        Assert.Equal(2, await tenant.Requests("urllist.append"));
    }

    [Fact]
    public async Task Removal_is_a_replace_with_the_complete_intended_content()
    {
        await using var tenant = await Tenant.StartAsync();
        var created = await tenant.UrlLists.CreateAsync("iocs", "exact", ["http://a.zz/1", "http://b.zz/2", "http://c.zz/3"]);
        await tenant.UrlLists.DeployAsync();
        await tenant.UrlLists.ReplaceAsync(created.ListId, "exact", ["http://a.zz/1", "http://c.zz/3"]);
        Assert.Equal(3, (await tenant.DeployedUrls("iocs")).Length);
        await tenant.UrlLists.DeployAsync();
        Assert.Equal(["http://a.zz/1", "http://c.zz/3"], await tenant.DeployedUrls("iocs"));
    }

    [Fact]
    public async Task A_file_hash_list_is_replaced_whole_and_an_identical_update_counts_as_success()
    {
        await using var tenant = await Tenant.StartAsync();
        const string md5 = "d41d8cd98f00b204e9800998ecf8427e";
        const string sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

        Assert.Equal(FileHashUpdate.Replaced, await tenant.FileHashes.ReplaceAsync("profile", [md5, sha]));
        Assert.Equal(FileHashUpdate.Unchanged, await tenant.FileHashes.ReplaceAsync("profile", [md5, sha]));
        Assert.Equal(FileHashUpdate.Replaced, await tenant.FileHashes.ReplaceAsync("profile", [sha]));
        Assert.Equal([sha], await tenant.DeployedHashes("profile"));
    }

    [Fact]
    public async Task An_unknown_file_profile_is_reported_as_not_found()
    {
        await using var tenant = await Tenant.StartAsync(new NetskopeSimulatorOptions { FileHashLists = ["known"] });
        var error = await Assert.ThrowsAsync<NetskopeException>(() => tenant.FileHashes.ReplaceAsync("unknown", ["d41d8cd98f00b204e9800998ecf8427e"]));
        Assert.Equal(NetskopeErrorKind.NotFound, error.Kind);
        Assert.Contains("verify that the list exists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_over_the_tenants_cap_is_refused()
    {
        await using var tenant = await Tenant.StartAsync(new NetskopeSimulatorOptions { UrlListCapBytes = 100 });
        var error = await Assert.ThrowsAsync<NetskopeException>(() =>
            tenant.UrlLists.CreateAsync("iocs", "exact", Enumerable.Range(0, 20).Select(n => $"http://bad{n}.zz/").ToList()));
        Assert.Equal(NetskopeErrorKind.Rejected, error.Kind);
        Assert.Contains("exceeds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_planner_keeps_a_push_within_the_cap_the_simulator_enforces()
    {
        const long cap = 2_000;
        await using var tenant = await Tenant.StartAsync(new NetskopeSimulatorOptions { UrlListCapBytes = cap });
        var now = DateTimeOffset.UtcNow;
        var iocs = Enumerable.Range(0, 200).Select(n => new Domain.Iocs.Ioc
        {
            Value = $"http://bad{n}.zz/", Type = Domain.Iocs.IocType.Url, FirstSeen = now.AddMinutes(-n), LastSeen = now.AddMinutes(-n),
        });
        var plan = BatchPlanner.PlanUrlList(iocs, "exact", cap);

        await tenant.UrlLists.CreateAsync("iocs", "exact", plan.Bodies.Single());
        await tenant.UrlLists.DeployAsync();

        Assert.Equal(plan.ValueCount, (await tenant.DeployedUrls("iocs")).Length);
        Assert.Equal(200, plan.ValueCount + plan.NotShared.Count);
        Assert.Contains("http://bad0.zz/", await tenant.DeployedUrls("iocs"));
    }

    [Fact]
    public async Task A_429_is_retried_after_the_wait_netskope_asks_for()
    {
        await using var tenant = await Tenant.StartAsync(new NetskopeSimulatorOptions { RequestsPerSecond = 1 });
        await tenant.UrlLists.FindAsync("x");
        var started = DateTimeOffset.UtcNow;
        await tenant.UrlLists.FindAsync("x");

        Assert.True(await tenant.Requests("429") >= 1);
        Assert.Equal(0, (await tenant.Deployed("/_sim/requests")).Keys.Count(k => k == "503"));
        // Retry-After is whole seconds up to the next window: the retry waited for it instead of its 20 ms back-off.
        Assert.True(DateTimeOffset.UtcNow - started > TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Server_errors_are_retried_a_bounded_number_of_times()
    {
        await using var tenant = await Tenant.StartAsync(new NetskopeSimulatorOptions { Faults = new NetskopeFaults { ErrorRate = 1 } }, attempts: 3);
        var error = await Assert.ThrowsAsync<NetskopeException>(() => tenant.UrlLists.DeployAsync());
        Assert.Equal(NetskopeErrorKind.ServerError, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Equal(3, await tenant.Requests("503"));
    }

    [Fact]
    public async Task A_slow_answer_times_out()
    {
        await using var tenant = await Tenant.StartAsync(new NetskopeSimulatorOptions { Faults = new NetskopeFaults { SlowRate = 1, SlowMilliseconds = 3_000 } },
            timeout: TimeSpan.FromMilliseconds(300), attempts: 2);
        var error = await Assert.ThrowsAsync<NetskopeException>(() => tenant.UrlLists.FindAsync("x"));
        Assert.Equal(NetskopeErrorKind.Timeout, error.Kind);
    }

    [Fact]
    public async Task A_bad_token_says_so()
    {
        await using var tenant = await Tenant.StartAsync(token: "wrong", v1: "wrong");
        var v2 = await Assert.ThrowsAsync<NetskopeException>(() => tenant.UrlLists.FindAsync("x"));
        Assert.Equal(NetskopeErrorKind.Unauthorized, v2.Kind);
        Assert.Contains("rejected the API token (401)", v2.Message, StringComparison.Ordinal);
        var v1 = await Assert.ThrowsAsync<NetskopeException>(() => tenant.FileHashes.ReplaceAsync("p", ["d41d8cd98f00b204e9800998ecf8427e"]));
        Assert.Equal(NetskopeErrorKind.Unauthorized, v1.Kind);
    }

    [Fact]
    public async Task A_missing_subscription_is_named_in_the_403()
    {
        await using var tenant = await Tenant.StartAsync(new NetskopeSimulatorOptions { SecureWebGateway = false, ThreatProtection = false });
        var urls = await Assert.ThrowsAsync<NetskopeException>(() => tenant.UrlLists.FindAsync("x"));
        Assert.Contains("Secure Web Gateway subscription", urls.Message, StringComparison.Ordinal);
        var hashes = await Assert.ThrowsAsync<NetskopeException>(() => tenant.FileHashes.ReplaceAsync("p", ["d41d8cd98f00b204e9800998ecf8427e"]));
        Assert.Contains("Threat Protection subscription", hashes.Message, StringComparison.Ordinal);
        Assert.Equal(NetskopeErrorKind.Forbidden, hashes.Kind);
    }

    [Fact]
    public async Task File_hashes_without_a_v1_token_are_refused_before_any_request()
    {
        await using var tenant = await Tenant.StartAsync(v1: "");
        var error = await Assert.ThrowsAsync<NetskopeException>(() => tenant.FileHashes.ReplaceAsync("p", ["d41d8cd98f00b204e9800998ecf8427e"]));
        Assert.Equal("A V1 token is required to share file hashes.", error.Message);
        Assert.Equal(0, await tenant.Requests("filehashlist.update"));
    }
}
