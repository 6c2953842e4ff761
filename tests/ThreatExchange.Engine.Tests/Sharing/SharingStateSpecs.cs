using System.Security.Cryptography;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Engine.Sources;

namespace ThreatExchange.Engine.Tests.Sharing;

/// <summary>The sharing decisions without actors or HTTP.</summary>
public sealed class SharingStateSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly SecretProtector Protector = new(RandomNumberGenerator.GetBytes(32));

    private static readonly StoredTenant Tenant = StoredTenant.Protect(new TenantConfiguration
    {
        Name = "prod", TenantUrl = "https://acme.goskope.com", V2Token = new Secret("v2"), V1Token = new Secret("v1"),
        UrlListName = "urls", FileHashListName = "hashes",
    }, Protector);

    private static SharingState Configured(SharingRule? rule = null) =>
        SharingState.Empty("r").Apply(new SharingEvents.RuleSet(rule ?? new SharingRule { Name = "r", Source = "tap", Tenant = "prod" }, Tenant, T0));

    private static StoredIoc Ioc(string value, string type, string status = "active", DateTimeOffset? seen = null, string classification = "phish") =>
        new(value, type, status, classification, seen ?? T0, seen ?? T0, 1, ["clicksBlocked"], [], null);

    private static SharingState Shared(SharingState state, SharingPlan plan) =>
        state.Apply(new SharingEvents.BatchShared(plan.ThroughSequenceNr, 1, plan.UrlsAdded, plan.UrlsRemoved, plan.HashesAdded, plan.HashesRemoved, plan.Unshared, plan.Refreshed, T0));

    [Fact]
    public void Active_iocs_go_to_the_list_their_type_belongs_to()
    {
        var plan = Configured().Plan([Ioc("http://a.zz/", "url"), Ioc("bad.zz", "domain"), Ioc("d41d8cd98f00b204e9800998ecf8427e", "md5")], 5, T0);
        Assert.Equal(["http://a.zz/", "bad.zz"], plan.UrlsAdded.Select(a => a.Value));
        Assert.Equal(["d41d8cd98f00b204e9800998ecf8427e"], plan.HashesAdded.Select(a => a.Value));
        Assert.Equal(5, plan.ThroughSequenceNr);
    }

    [Fact]
    public void A_retracted_ioc_leaves_the_list_and_one_never_listed_costs_nothing()
    {
        var state = Shared(Configured(), Configured().Plan([Ioc("http://a.zz/", "url")], 1, T0));
        var plan = state.Plan([Ioc("http://a.zz/", "url", "falsePositive"), Ioc("http://b.zz/", "url", "cleared")], 2, T0);
        Assert.Equal(["http://a.zz/"], plan.UrlsRemoved);
        Assert.Empty(plan.UrlsAdded);
        Assert.Empty(Shared(state, plan).UrlList);
    }

    [Fact]
    public void Iocs_older_than_the_maximum_age_leave_the_lists()
    {
        var state = Shared(Configured(), Configured().Plan([Ioc("http://old.zz/", "url", seen: T0), Ioc("http://new.zz/", "url", seen: T0.AddDays(50))], 1, T0.AddDays(50)));
        var plan = state.Plan([], 2, T0.AddDays(91));
        Assert.Equal(["http://old.zz/"], plan.UrlsRemoved);
        Assert.Empty(state.Plan([Ioc("http://ancient.zz/", "url", seen: T0)], 3, T0.AddDays(91)).UrlsAdded);
    }

    [Fact]
    public void A_listed_ioc_seen_again_is_refreshed_without_a_request()
    {
        var state = Shared(Configured(), Configured().Plan([Ioc("http://a.zz/", "url", seen: T0)], 1, T0));
        var plan = state.Plan([Ioc("http://a.zz/", "url", seen: T0.AddDays(80))], 2, T0.AddDays(80));
        Assert.False(plan.ChangesUrlList);
        var refreshed = Shared(state, plan);
        Assert.Empty(refreshed.Plan([], 3, T0.AddDays(100)).UrlsRemoved);
    }

    [Fact]
    public void Filters_choose_types_classifications_and_actions()
    {
        var rule = new SharingRule { Name = "r", Source = "tap", Tenant = "prod", IocTypes = ["url", "sha256"], Classifications = ["malware"], Actions = ["url-list"] };
        var plan = Configured(rule).Plan([
            Ioc("http://a.zz/", "url", classification: "malware"),
            Ioc("http://b.zz/", "url", classification: "phish"),
            Ioc("bad.zz", "domain", classification: "malware"),
            Ioc("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256", classification: "malware")], 1, T0);
        Assert.Equal(["http://a.zz/"], plan.UrlsAdded.Select(a => a.Value));
        Assert.Empty(plan.HashesAdded);
    }

    [Fact]
    public void Over_the_tenants_cap_the_rest_is_reported_not_shared()
    {
        var small = StoredTenant.Protect(Tenant.Unprotect(Protector) with { UrlListCapMegabytes = 1 }, Protector);
        var state = SharingState.Empty("r").Apply(new SharingEvents.RuleSet(new SharingRule { Name = "r", Source = "tap", Tenant = "prod" }, small, T0));
        var iocs = Enumerable.Range(0, 30_000).Select(n => Ioc($"http://evil{n}.bad.zz/a/fairly/long/path/{n}", "url", seen: T0.AddSeconds(n))).ToList();
        var plan = state.Plan(iocs, 1, T0.AddDays(1));
        Assert.NotEmpty(plan.Unshared);
        Assert.All(plan.Unshared, u => Assert.Contains("cap of 1 MB", u.Reason, StringComparison.Ordinal));
        Assert.Contains(plan.UrlsAdded, a => a.Value == iocs[^1].Value);
        Assert.Equal(30_000, plan.UrlsAdded.Count + plan.Unshared.Count);
    }
}
