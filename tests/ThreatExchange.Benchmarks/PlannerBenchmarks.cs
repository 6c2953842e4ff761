using BenchmarkDotNet.Attributes;
using ThreatExchange.Domain.Iocs;
using ThreatExchange.Netskope;

namespace ThreatExchange.Benchmarks;

/// <summary>Batch planning of 100,000 URLs and 100,000 hashes against the default caps.</summary>
[MemoryDiagnoser]
public class PlannerBenchmarks
{
    private List<Ioc> _urls = [];
    private List<Ioc> _hashes = [];

    [GlobalSetup]
    public void Setup() => (_urls, _hashes) = (SampleIocs.Urls(100_000), SampleIocs.Hashes(100_000));

    [Benchmark]
    public int PlanUrlList() => BatchPlanner.PlanUrlList(_urls, "exact", 7 * BatchPlanner.Megabyte).Bodies.Count;

    [Benchmark]
    public int PlanFileHashList() => BatchPlanner.PlanFileHashList(_hashes, 8 * BatchPlanner.Megabyte).Hashes.Count;
}

public static class SampleIocs
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    public static List<Ioc> Urls(int count) => Enumerable.Range(0, count).Select(n => new Ioc
    {
        Value = $"http://evil{n}.bad{n % 97}.zz/p/{n % 13}/login.php?id={n}", Type = IocType.Url,
        FirstSeen = Now.AddSeconds(-n), LastSeen = Now.AddSeconds(-n),
    }).ToList();

    public static List<Ioc> Hashes(int count) => Enumerable.Range(0, count).Select(n => new Ioc
    {
        Value = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(n))), Type = IocType.Sha256,
        FirstSeen = Now.AddSeconds(-n), LastSeen = Now.AddSeconds(-n),
    }).ToList();
}
