using ThreatExchange.Tests;
using System.Diagnostics;

namespace ThreatExchange.Host.Tests.Cluster;

/// <summary>
/// No Docker engine runs here, so the compose file is checked by Debian's docker-compose itself: it must parse,
/// define the topology the cluster tests run, and refuse to start without its secrets.
/// </summary>
public sealed class DockerComposeSpecs
{
    private static readonly Dictionary<string, string?> Secrets = new()
    {
        ["POSTGRES_PASSWORD"] = "pw", ["TE_SECRET_KEY"] = Convert.ToBase64String(new byte[32]), ["TE_API_TOKEN"] = "token",
    };

    private static async Task<(int Exit, string Output, string Error)> Compose(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        DebianPackages.Ensure();
        var start = new ProcessStartInfo("docker-compose", ["-f", Repository.File("docker-compose.yml"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repository.Root,
        };
        foreach (var name in Secrets.Keys)
            start.Environment.Remove(name);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task The_compose_file_is_valid_with_its_secrets_set()
    {
        var (exit, _, error) = await Compose(Secrets, "config", "-q");
        Assert.True(exit == 0, error);
    }

    [Fact]
    public async Task It_runs_postgresql_and_three_nodes_and_the_simulators_only_under_their_profile()
    {
        var (_, services, _) = await Compose(Secrets, "config", "--services");
        Assert.Equal(["netskope-sim", "node1", "node2", "node3", "postgres", "proofpoint-sim"],
            services.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        // docker-compose 1.29 neither filters `config` by profile nor prints the key, so the file itself is read.
        var file = File.ReadAllText(Repository.File("docker-compose.yml"));
        foreach (var simulator in new[] { "proofpoint-sim", "netskope-sim" })
            Assert.StartsWith($"  {simulator}:\n    profiles: [simulators]\n", file[file.IndexOf($"  {simulator}:\n", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Equal(2, Occurrences(file, "profiles: [simulators]"));
    }

    [Fact]
    public async Task Every_node_joins_the_same_seeds_and_reads_the_journal_and_key_from_the_environment()
    {
        var (_, config, _) = await Compose(Secrets, "config");
        foreach (var node in new[] { "node1", "node2", "node3" })
            Assert.Contains($"TE_AKKA__remote__dot-netty__tcp__public-hostname: {node}", config, StringComparison.Ordinal);
        Assert.Equal(3, Occurrences(config, "TE_SEED_NODES: akka.tcp://threat-exchange@node1:4053,akka.tcp://threat-exchange@node2:4053"));
        Assert.Equal(3, Occurrences(config, "Password=pw;Database=threat_exchange"));
        // node1 waits for PostgreSQL, the other two for node1.
        Assert.Equal(3, Occurrences(config, "condition: service_healthy"));
    }

    [Fact]
    public async Task A_missing_secret_stops_compose_naming_the_variable()
    {
        var (exit, _, error) = await Compose(new Dictionary<string, string?> { ["POSTGRES_PASSWORD"] = "pw", ["TE_API_TOKEN"] = "token" }, "config", "-q");
        Assert.NotEqual(0, exit);
        Assert.Contains("set TE_SECRET_KEY", error, StringComparison.Ordinal);
    }

    private static int Occurrences(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
