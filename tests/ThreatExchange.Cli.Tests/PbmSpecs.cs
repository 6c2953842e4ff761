using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ThreatExchange.Host.Service;
using ThreatExchange.Simulators.Proofpoint;

namespace ThreatExchange.Cli.Tests;

/// <summary>The <c>pbm</c> executable against a running service, its output read as an operator would.</summary>
public sealed partial class PbmSpecs : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("te-pbm-").FullName;
    private ProofpointSimulator _tap = null!;
    private WebApplication _app = null!;
    private string _target = "";

    [GeneratedRegex(@"^akka\.tcp://threat-exchange@127\.0\.0\.1:\d+ \| \[\] \| Up \| Reachable$")]
    private static partial Regex MemberLine();

    public async Task InitializeAsync()
    {
        _tap = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 8, ThreatsPerHour = 40, MaxIndexDelay = TimeSpan.FromMinutes(1) });
        _app = ServiceCommand.Build(new ServiceOptions { DataFolder = _data, ApiUrl = "http://127.0.0.1:0", CommandUrl = "http://127.0.0.1:0" });
        await _app.StartAsync();
        _target = new Uri(_app.Urls.Last()).Authority;
        var kit = new TestKit(_app.Services.GetRequiredService<ActorSystem>());
        await kit.AwaitAssertAsync(() => Assert.Equal(Akka.Cluster.MemberStatus.Up, Akka.Cluster.Cluster.Get(kit.Sys).SelfMember.Status), TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _tap.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<(int Exit, string[] Lines)> Pbm(params string[] command)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "pbm.dll"), _target, .. command]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Cluster_show_lists_each_member_then_the_count()
    {
        var (exit, lines) = await Pbm("cluster", "show");
        Assert.Equal(0, exit);
        Assert.Matches(MemberLine(), lines[0]);
        Assert.Equal("Count: 1 nodes", lines[^1]);
        Assert.Equal([lines[0].Split(" | ")[0]], (await Pbm("cluster", "leader")).Lines);
        Assert.Equal(["No unreachable members."], (await Pbm("cluster", "down-unreachable")).Lines);
    }

    [Fact]
    public async Task Te_commands_show_sources_and_their_iocs_and_region_stats_count_entities()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
        var put = await http.PutAsJsonAsync("/api/sources/tap", new { name = "tap", baseUrl = _tap.BaseUrl.ToString(), principal = "sim-principal", secret = "sim-secret", initialRangeHours = 1 });
        Assert.True(put.IsSuccessStatusCode);

        var kit = new TestKit(_app.Services.GetRequiredService<ActorSystem>());
        await kit.AwaitAssertAsync(async () =>
        {
            var (_, iocs) = await Pbm("te", "iocs", "--source", "tap", "-n", "3");
            Assert.Equal(4, iocs.Length);
            Assert.StartsWith("Count: 3 of ", iocs[^1], StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60));

        var (_, sources) = await Pbm("te", "sources");
        Assert.StartsWith("tap | polling | checkpoint ", Assert.Single(sources), StringComparison.Ordinal);
        Assert.Matches(@"\| budget left \d+ \|", sources[0]);
        var (_, shards) = await Pbm("cluster-sharding", "shard-stats", "-r", "source");
        Assert.EndsWith("| entities: 1", Assert.Single(shards), StringComparison.Ordinal);
        var (_, stats) = await Pbm("cluster-sharding", "region-stats", "-r", "source");
        Assert.Contains("| shards: 1 | entities: 1", Assert.Single(stats), StringComparison.Ordinal);

        var (exit, json) = await Pbm("te", "source", "tap", "--json");
        Assert.Equal(0, exit);
        Assert.Equal("tap", JsonDocument.Parse(json[0]).RootElement.GetProperty("sourceName").GetString());
    }

    [Fact]
    public async Task Log_peek_shows_recent_akka_log_lines_and_set_level_changes_the_level()
    {
        var (exit, lines) = await Pbm("log", "peek", "-n", "50");
        Assert.Equal(0, exit);
        Assert.Contains(lines, l => l.Contains("Cluster", StringComparison.Ordinal));
        Assert.Equal(["Log level set to DEBUG."], (await Pbm("log", "set-level", "debug")).Lines);
        Assert.Equal(2, (await Pbm("log", "set-level", "loud")).Exit);
    }

    [Fact]
    public async Task Actor_hierarchy_lists_the_system_actors_under_a_path()
    {
        var (exit, lines) = await Pbm("actor", "hierarchy", "-s", "/system", "-d", "1");
        Assert.Equal(0, exit);
        Assert.Contains("/system/sharding", lines);
    }

    [Fact]
    public async Task Cluster_tail_prints_the_members_as_they_are_now_then_follows_changes()
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "pbm.dll"), _target, "cluster", "tail"]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        try
        {
            var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Matches(@"akka\.tcp://threat-exchange@127\.0\.0\.1:\d+ \| Up \| Reachable$", first);
        }
        finally
        {
            process.Kill();
        }
    }

    [Fact]
    public async Task An_unknown_command_lists_the_commands_and_fails()
    {
        var (exit, lines) = await Pbm("cluster", "dance");
        Assert.Equal(1, exit);
        Assert.Contains("cluster show", lines);
    }
}
