using ThreatExchange.Engine.Persistence;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Time.Testing;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.ReadSide;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Engine.Sources;
using ThreatExchange.Engine.Tests.Sources;
using ThreatExchange.Simulators.Netskope;
using ThreatExchange.Simulators.Proofpoint;

namespace ThreatExchange.Engine.Tests.Sharing;

/// <summary>TAP simulator → source entity → sharing entity → Netskope simulator, in one process on a real SQLite file.</summary>
public abstract class SharingEndToEndSpecs(JournalKind kind) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly string[] UrlTypes = ["url", "domain", "fqdn", "ipv4", "ipv6"];

    private readonly string _folder = Directory.CreateTempSubdirectory("te-sharing-").FullName;
    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));
    private readonly FakeTimeProvider _clock = new(T0);
    private ProofpointSimulator _tap = null!;
    private NetskopeSimulator _prod = null!;
    private NetskopeSimulator _dev = null!;

    public async Task InitializeAsync()
    {
        _journal = await TestJournal.CreateAsync(kind, _folder);
        _tap = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 31, ThreatsPerHour = 150, Clock = _clock, MaxIndexDelay = TimeSpan.FromMinutes(1) });
        _prod = await NetskopeSimulator.StartAsync(new NetskopeSimulatorOptions { RequestsPerSecond = 0 });
        _dev = await NetskopeSimulator.StartAsync(new NetskopeSimulatorOptions { RequestsPerSecond = 0 });
    }

    public async Task DisposeAsync()
    {
        await _tap.DisposeAsync();
        await _prod.DisposeAsync();
        await _dev.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private JournalSettings _journal = null!;

    private SourceConfiguration Source() => new()
    {
        Name = "tap", BaseUrl = _tap.BaseUrl.ToString(), Principal = "sim-principal", Secret = new Secret("sim-secret"), InitialRangeHours = 2,
    };

    private static TenantConfiguration Tenant(string name, NetskopeSimulator simulator) => new()
    {
        Name = name, TenantUrl = simulator.BaseUrl.ToString(), V2Token = new Secret("sim-v2-token"), V1Token = new Secret("sim-v1-token"),
        UrlListName = "proofpoint-urls", FileHashListName = "proofpoint-hashes",
    };

    private async Task Share(EngineHost host, string rule, TenantConfiguration tenant)
    {
        Assert.IsType<SharingReplies.Accepted>(await host.DirectoryAsync(new DirectoryCommands.RegisterSource("tap")));
        Assert.IsType<SharingReplies.Accepted>(await host.DirectoryAsync(new DirectoryCommands.SetTenant(StoredTenant.Protect(tenant, _protector))));
        Assert.IsType<SharingReplies.Accepted>(await host.DirectoryAsync(new DirectoryCommands.SetRule(new SharingRule { Name = rule, Source = "tap", Tenant = tenant.Name })));
    }

    /// <summary>What the lists must hold: every IoC the simulator made in the range whose latest status is active.</summary>
    private (string[] Urls, string[] Hashes) Expected(DateTimeOffset from, DateTimeOffset to)
    {
        var active = _tap.Generator.Truth(from, to).Where(t => t.ThreatStatus == "active").ToList();
        return (active.Where(t => UrlTypes.Contains(t.Type)).Select(t => t.Value).Order(StringComparer.Ordinal).ToArray(),
                active.Where(t => t.Type is "md5" or "sha256").Select(t => t.Value).Order(StringComparer.Ordinal).ToArray());
    }

    private static async Task<(string[] Urls, string[] Hashes)> Deployed(NetskopeSimulator simulator)
    {
        using var http = new HttpClient { BaseAddress = simulator.BaseUrl };
        var urls = await http.GetFromJsonAsync<Dictionary<string, JsonElement>>("/_sim/urllists");
        var hashes = await http.GetFromJsonAsync<Dictionary<string, string[]>>("/_sim/filehashlists");
        var urlValues = urls!.TryGetValue("proofpoint-urls", out var list) ? list.GetProperty("urls").EnumerateArray().Select(u => u.GetString()!).ToArray() : [];
        var hashValues = hashes!.TryGetValue("proofpoint-hashes", out var h) ? h : [];
        return (urlValues.Order(StringComparer.Ordinal).ToArray(), hashValues.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task The_deployed_lists_equal_the_active_truth_and_hold_nothing_twice()
    {
        await using var host = await EngineHost.StartAsync(_journal, _protector, _clock);
        var kit = new TestKit(host.System);
        await host.ConfigureAsync(Source(), _protector);
        await Share(host, "tap-to-prod", Tenant("prod", _prod));

        var expected = Expected(T0.AddHours(-2), T0.AddMinutes(-2));
        Assert.NotEmpty(expected.Urls);
        Assert.NotEmpty(expected.Hashes);
        await kit.AwaitAssertAsync(async () =>
        {
            var deployed = await Deployed(_prod);
            Assert.Equal(expected.Urls, deployed.Urls);
            Assert.Equal(expected.Hashes, deployed.Hashes);
        }, Wait);
        Assert.True(_tap.Generator.Truth(T0.AddHours(-2), T0.AddMinutes(-2)).Any(t => t.ThreatStatus != "active"),
            "The range should hold retracted IoCs that must stay out of the lists.");

        // The catalog projects the same IoCs, answers filtered and paged queries, and knows where each went.
        var truth = _tap.Generator.Truth(T0.AddHours(-2), T0.AddMinutes(-2));
        await kit.AwaitAssertAsync(async () =>
        {
            var all = await host.ReadSide.QueryCatalogAsync(new CatalogQuery(Source: "tap", Limit: 1000));
            Assert.Equal(truth.Count, all.Total);
            Assert.Equal(expected.Urls.Length + expected.Hashes.Length, all.Items.Count(r => r.SharedWith.StartsWith("tap-to-prod@", StringComparison.Ordinal)));
        }, Wait);
        var md5 = await host.ReadSide.QueryCatalogAsync(new CatalogQuery(Type: "md5", Limit: 1000));
        Assert.Equal(truth.Count(t => t.Type == "md5"), md5.Total);
        Assert.All(md5.Items, r => Assert.Equal("md5", r.Type));
        var retracted = await host.ReadSide.QueryCatalogAsync(new CatalogQuery(Status: "falsePositive", Limit: 1000));
        Assert.Equal(truth.Count(t => t.ThreatStatus == "falsePositive"), retracted.Total);
        Assert.All(retracted.Items, r => Assert.Equal("", r.SharedWith));
        var pages = await host.ReadSide.QueryCatalogAsync(new CatalogQuery(Offset: 10, Limit: 10));
        Assert.Equal(10, pages.Items.Count);
        var first = await host.ReadSide.QueryCatalogAsync(new CatalogQuery(Limit: 20));
        Assert.Equal(first.Items.Skip(10).Select(r => r.Value), pages.Items.Select(r => r.Value));
        Assert.True(first.Items.Zip(first.Items.Skip(1)).All(p => p.Item1.LastSeen >= p.Item2.LastSeen));
        var text = await host.ReadSide.QueryCatalogAsync(new CatalogQuery(Text: "login.secure", Limit: 1000));
        Assert.Equal(truth.Count(t => t.Value.Contains("login.secure", StringComparison.Ordinal)), text.Total);

        var audit = await host.ReadSide.QueryAuditAsync(new AuditQuery(Configuration: "tap"));
        Assert.Contains(audit, a => a.Kind == "poll" && a.Message.StartsWith("Window 2026-12-03T10:00:00Z/2026-12-03T11:00:00Z", StringComparison.Ordinal));
        Assert.Contains(await host.ReadSide.QueryAuditAsync(new AuditQuery(Configuration: "tap-to-prod")), a => a.Kind == "share");
    }

    [Fact]
    public async Task The_directory_keeps_one_rule_per_list_and_no_sharing_back_to_proofpoint()
    {
        await using var host = await EngineHost.StartAsync(_journal, _protector, _clock);
        await Share(host, "tap-to-prod", Tenant("prod", _prod));

        var rival = await host.DirectoryAsync(new DirectoryCommands.SetRule(new SharingRule { Name = "second", Source = "tap", Tenant = "prod", Actions = ["url-list"] }));
        Assert.Contains(Assert.IsType<SharingReplies.Rejected>(rival).Errors,
            e => e.Message == "The URL list 'proofpoint-urls' of tenant 'prod' is already the target of sharing rule 'tap-to-prod'.");
        var back = await host.DirectoryAsync(new DirectoryCommands.SetRule(new SharingRule { Name = "back", Source = "tap", Tenant = "tap" }));
        Assert.Contains(Assert.IsType<SharingReplies.Rejected>(back).Errors, e => e.Message == "Sharing IoCs to Proofpoint is not supported.");
        var inUse = await host.DirectoryAsync(new DirectoryCommands.DeleteTenant("prod"));
        Assert.Contains(Assert.IsType<SharingReplies.Rejected>(inUse).Errors, e => e.Message.Contains("target of sharing rule 'tap-to-prod'", StringComparison.Ordinal));

        Assert.IsType<SharingReplies.Accepted>(await host.DirectoryAsync(new DirectoryCommands.DeleteRule("tap-to-prod")));
        Assert.IsType<SharingReplies.Accepted>(await host.DirectoryAsync(new DirectoryCommands.DeleteTenant("prod")));
        var status = await host.Sharing.Ask<SharingReplies.Status>(new SharingQueries.GetStatus("tap-to-prod"), TimeSpan.FromSeconds(5));
        Assert.True(status.Deleted);
    }

    [Fact]
    public async Task Netskope_failing_for_a_while_never_stops_polling_and_everything_arrives_after_it_recovers()
    {
        _prod.Faults = new NetskopeFaults { ErrorRate = 1 };
        await using var host = await EngineHost.StartAsync(_journal, _protector, _clock);
        var kit = new TestKit(host.System);
        await host.ConfigureAsync(Source(), _protector);
        await Share(host, "tap-to-prod", Tenant("prod", _prod));

        await kit.AwaitAssertAsync(async () => Assert.Equal(T0.AddMinutes(-2), (await host.StatusAsync("tap")).Checkpoint), Wait);
        await kit.AwaitAssertAsync(async () =>
        {
            var status = await host.Sharing.Ask<SharingReplies.Status>(new SharingQueries.GetStatus("tap-to-prod"), TimeSpan.FromSeconds(5));
            Assert.Contains("503", status.LastError, StringComparison.Ordinal);
            // Nothing counts as shared while Netskope refuses: the offset stays before the first window's IoCs.
            Assert.Equal((0, 0), (status.UrlListCount, status.FileHashCount));
            Assert.True(status.Offset <= 1);
        }, Wait);

        await kit.AwaitAssertAsync(async () => Assert.Contains(
            await host.ReadSide.QueryAuditAsync(new AuditQuery(Configuration: "tap-to-prod", Level: "error")),
            a => a.Kind == "share-failed" && a.Message.Contains("503", StringComparison.Ordinal)), Wait);

        _prod.Faults = new NetskopeFaults();
        var expected = Expected(T0.AddHours(-2), T0.AddMinutes(-2));
        await kit.AwaitAssertAsync(async () => AssertHolds(expected, await Deployed(_prod)), Wait);
    }

    private static async Task<int> RequestCount(NetskopeSimulator simulator)
    {
        using var http = new HttpClient { BaseAddress = simulator.BaseUrl };
        return (await http.GetFromJsonAsync<Dictionary<string, int>>("/_sim/requests"))!.Values.Sum();
    }

    private static void AssertHolds((string[] Urls, string[] Hashes) expected, (string[] Urls, string[] Hashes) deployed)
    {
        Assert.Equal(expected.Urls, deployed.Urls);
        Assert.Equal(expected.Hashes, deployed.Hashes);
    }

    [Fact]
    public async Task Two_tenants_fed_from_one_source_each_get_the_full_set_and_a_restart_mid_delivery_loses_and_doubles_nothing()
    {
        var expected = Expected(T0.AddHours(-2), T0.AddMinutes(-2));
        // The development tenant answers slowly, so its delivery is still under way when the node stops.
        _dev.Faults = new NetskopeFaults { SlowRate = 1, SlowMilliseconds = 700 };
        await using (var host = await EngineHost.StartAsync(_journal, _protector, _clock))
        {
            var kit = new TestKit(host.System);
            await host.ConfigureAsync(Source(), _protector);
            await Share(host, "tap-to-prod", Tenant("prod", _prod));
            await Share(host, "tap-to-dev", Tenant("dev", _dev));
            await kit.AwaitAssertAsync(async () => AssertHolds(expected, await Deployed(_prod)), Wait);
            await kit.AwaitAssertAsync(async () => Assert.True(await RequestCount(_dev) > 0), Wait);
        }
        _dev.Faults = new NetskopeFaults();

        // A new hour of data arrives while nothing runs; on restart both rules resume from their offsets.
        _clock.Advance(TimeSpan.FromHours(1));
        await using var again = await EngineHost.StartAsync(_journal, _protector, _clock);
        var later = new TestKit(again.System);
        var grown = Expected(T0.AddHours(-2), T0.AddMinutes(58));
        Assert.NotEmpty(expected.Urls.Except(grown.Urls));
        await later.AwaitAssertAsync(async () =>
        {
            AssertHolds(grown, await Deployed(_prod));
            AssertHolds(grown, await Deployed(_dev));
        }, Wait);
    }
}

public sealed class SharingEndToEndSpecsOnSqlite() : SharingEndToEndSpecs(JournalKind.Sqlite);

public sealed class SharingEndToEndSpecsOnPostgreSql() : SharingEndToEndSpecs(JournalKind.PostgreSql);
