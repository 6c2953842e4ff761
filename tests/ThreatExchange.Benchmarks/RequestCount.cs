using System.Net.Http.Json;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Netskope;
using ThreatExchange.Simulators.Netskope;

namespace ThreatExchange.Benchmarks;

/// <summary>
/// <c>requests</c>: shares 100,000 URLs and 100,000 hashes to the Netskope simulator through the planner and the
/// clients, and prints how many requests that took against the minimum the caps allow.
/// </summary>
public static class RequestCount
{
    public static async Task<int> RunAsync()
    {
        await using var simulator = await NetskopeSimulator.StartAsync(new NetskopeSimulatorOptions { RequestsPerSecond = 0 });
        using var http = new NetskopeHttp(new NetskopeClientOptions
        {
            TenantUrl = simulator.BaseUrl, V2Token = new Secret("sim-v2-token"), V1Token = new Secret("sim-v1-token"),
        }, TimeProvider.System);
        var urlLists = new UrlListClient(http);
        var fileHashes = new FileHashListClient(http);

        var urlPlan = BatchPlanner.PlanUrlList(SampleIocs.Urls(100_000), "exact", 7 * BatchPlanner.Megabyte);
        var hashPlan = BatchPlanner.PlanFileHashList(SampleIocs.Hashes(100_000), 8 * BatchPlanner.Megabyte);
        var started = DateTimeOffset.UtcNow;
        var created = await urlLists.CreateAsync("bench", "exact", urlPlan.Bodies[0]);
        foreach (var body in urlPlan.Bodies.Skip(1))
            await urlLists.AppendAsync(created.ListId, "exact", body);
        await urlLists.DeployAsync();
        await fileHashes.ReplaceAsync("bench-hashes", hashPlan.Hashes);
        var elapsed = DateTimeOffset.UtcNow - started;

        using var admin = new HttpClient { BaseAddress = simulator.BaseUrl };
        var counts = (await admin.GetFromJsonAsync<Dictionary<string, int>>("/_sim/requests"))!;
        Console.WriteLine($"URLs: {urlPlan.ValueCount} in {urlPlan.Bodies.Count} body(ies), {urlPlan.NotShared.Count} not shared");
        Console.WriteLine($"hashes: {hashPlan.Hashes.Count} in 1 body, {hashPlan.NotShared.Count} not shared");
        Console.WriteLine($"requests: {string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"))}; total {counts.Values.Sum()} (minimum: {urlPlan.Bodies.Count} + 1 deploy + 1 hash update)");
        Console.WriteLine($"wall time on loopback: {elapsed.TotalMilliseconds:F0} ms");
        return 0;
    }
}
