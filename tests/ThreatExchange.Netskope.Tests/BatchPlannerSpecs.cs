using System.Text;
using System.Text.Json;
using ThreatExchange.Domain.Iocs;

namespace ThreatExchange.Netskope.Tests;

public sealed class BatchPlannerSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);

    private static Ioc Url(int n, int minutesAgo = 0) => new()
    {
        Value = $"http://bad{n}.zz/p", Type = IocType.Url, FirstSeen = T0.AddMinutes(-minutesAgo), LastSeen = T0.AddMinutes(-minutesAgo),
    };

    private static Ioc Hash(int n, int minutesAgo = 0) => new()
    {
        Value = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(n))),
        Type = IocType.Sha256, FirstSeen = T0.AddMinutes(-minutesAgo), LastSeen = T0.AddMinutes(-minutesAgo),
    };

    [Fact]
    public void Everything_within_the_caps_goes_in_one_body()
    {
        var plan = BatchPlanner.PlanUrlList(Enumerable.Range(0, 1000).Select(n => Url(n)), "exact", 7 * BatchPlanner.Megabyte);
        Assert.Equal(1000, Assert.Single(plan.Bodies).Count);
        Assert.Empty(plan.NotShared);
    }

    [Fact]
    public void A_push_carries_at_most_the_value_limit()
    {
        var plan = BatchPlanner.PlanUrlList(Enumerable.Range(0, 25).Select(n => Url(n)), "exact", 7 * BatchPlanner.Megabyte, maxValuesPerPush: 10);
        Assert.Equal([10, 10, 5], plan.Bodies.Select(b => b.Count));
        Assert.Equal(25, plan.ValueCount);
    }

    [Fact]
    public void Over_the_cap_the_most_recently_seen_stay_and_the_rest_are_reported()
    {
        var iocs = Enumerable.Range(0, 10).Select(n => Url(n, minutesAgo: n)).ToList();
        var oneValue = BatchPlanner.EncodedSize(iocs[0].Value);
        var cap = BatchPlanner.UrlBodyOverhead("exact") + 4 * oneValue;

        var plan = BatchPlanner.PlanUrlList(iocs, "exact", cap);

        Assert.Equal(["http://bad0.zz/p", "http://bad1.zz/p", "http://bad2.zz/p", "http://bad3.zz/p"], Assert.Single(plan.Bodies));
        Assert.Equal(6, plan.NotShared.Count);
        Assert.All(plan.NotShared, n => Assert.Equal("The URL list is full: its cap of 0 MB is reached.", n.Reason));
    }

    [Fact]
    public void The_measured_size_is_the_json_body_actually_sent()
    {
        var iocs = new[] { Url(1), Url(2), Url(3) };
        var plan = BatchPlanner.PlanUrlList(iocs, "exact", 7 * BatchPlanner.Megabyte);
        var sent = JsonSerializer.SerializeToUtf8Bytes(new { data = new { urls = plan.Bodies[0], type = "exact" } }, NetskopeHttp.Json);
        var measured = BatchPlanner.UrlBodyOverhead("exact") + iocs.Sum(i => BatchPlanner.EncodedSize(i.Value)) - 1;
        Assert.Equal(sent.Length, measured);
    }

    [Fact]
    public void Data_already_in_the_list_counts_against_the_cap()
    {
        var plan = BatchPlanner.PlanUrlList([Url(1)], "exact", capBytes: 1000, bytesAlreadyHeld: 990);
        Assert.Empty(plan.Bodies);
        Assert.Single(plan.NotShared);
    }

    [Fact]
    public void A_file_hash_list_is_one_body_within_its_cap_keeping_the_most_recent()
    {
        var iocs = Enumerable.Range(0, 10).Select(n => Hash(n, minutesAgo: 10 - n)).ToList();
        var plan = BatchPlanner.PlanFileHashList(iocs, capBytes: 65 * 3);
        Assert.Equal(iocs.TakeLast(3).Reverse().Select(i => i.Value), plan.Hashes);
        Assert.Equal(7, plan.NotShared.Count);
        Assert.True(Encoding.UTF8.GetByteCount(string.Join(',', plan.Hashes)) <= 65 * 3);
    }

    [Fact]
    public void A_hundred_thousand_urls_and_hashes_fit_the_default_caps_in_one_body_each()
    {
        var urls = BatchPlanner.PlanUrlList(Enumerable.Range(0, 100_000).Select(n => Url(n)), "exact", 7 * BatchPlanner.Megabyte);
        var hashes = BatchPlanner.PlanFileHashList(Enumerable.Range(0, 100_000).Select(n => Hash(n)), 8 * BatchPlanner.Megabyte);
        Assert.Single(urls.Bodies);
        Assert.Empty(urls.NotShared);
        Assert.Equal(100_000, hashes.Hashes.Count);
    }
}
