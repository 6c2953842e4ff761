using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ThreatExchange.Host.Service;

namespace ThreatExchange.Tests;

/// <summary>
/// One node of a test cluster: the host as an operator runs it, a real process with <c>config/cluster.hocon</c>,
/// the shared PostgreSQL journal, its own API, pbm and remoting ports on 127.0.0.1, and the seed nodes.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ClusterNode(string name, int remotingPort, Process process, HttpClient api)
    {
        Name = name;
        Address = AddressFor(remotingPort);
        _process = process;
        Api = api;
    }

    public string Name { get; }

    /// <summary>This node's Akka address, as <c>cluster show</c> prints it.</summary>
    public string Address { get; }

    public HttpClient Api { get; }

    /// <summary>CPU time and resident memory of the node's process, read now.</summary>
    public (TimeSpan Cpu, long ResidentBytes) Usage()
    {
        _process.Refresh();
        return (_process.TotalProcessorTime, _process.WorkingSet64);
    }

    public static string AddressFor(int remotingPort) => $"akka.tcp://threat-exchange@127.0.0.1:{remotingPort}";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static ClusterNode Start(string name, string folder, int remotingPort, IReadOnlyList<string> seeds, string postgres, string secretKey)
    {
        var data = Path.Combine(folder, name);
        var declarations = Path.Combine(data, "declarations");
        Directory.CreateDirectory(declarations);
        var (apiPort, pbmPort) = (FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ThreatExchange.Host.dll")])
        {
            WorkingDirectory = data, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["TE_DATA"] = data;
        start.Environment["TE_API_URL"] = $"http://127.0.0.1:{apiPort}";
        start.Environment["TE_PBM_URL"] = $"http://127.0.0.1:{pbmPort}";
        start.Environment["TE_CONFIG"] = Repository.File("config", "cluster.hocon");
        start.Environment["TE_DECLARATIONS"] = declarations;
        start.Environment["TE_POSTGRES_CONNECTION"] = postgres;
        start.Environment["TE_SECRET_KEY"] = secretKey;
        start.Environment["TE_SEED_NODES"] = string.Join(',', seeds);
        start.Environment["TE_AKKA__remote__dot-netty__tcp__port"] = remotingPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = new Process { StartInfo = start };
        var node = new ClusterNode(name, remotingPort, process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromSeconds(30) })
        {
            PbmUrl = new Uri($"http://127.0.0.1:{pbmPort}"),
        };
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    public Uri PbmUrl { get; private init; } = null!;

    private void Keep(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        while (_output.Count > 200)
            _output.TryDequeue(out _);
    }

    /// <summary>The node's last lines of output, for a failure message.</summary>
    public string Tail() => $"--- {Name} ({Address}) ---\n" + string.Join('\n', _output);

    public async Task<bool> ReadyAsync()
    {
        try
        {
            return (await Api.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>A pbm command on this node's command server, the same request the pbm client sends.</summary>
    public async Task<IReadOnlyList<string>> PbmAsync(params string[] args)
    {
        using var http = new HttpClient { BaseAddress = PbmUrl, Timeout = TimeSpan.FromSeconds(30) };
        var response = await http.PostAsJsonAsync("/pbm", new PbmRequest(args));
        response.EnsureSuccessStatusCode();
        var answer = (await response.Content.ReadFromJsonAsync<PbmAnswer>(Json))!;
        if (answer.ExitCode != 0)
            throw new InvalidOperationException($"pbm {string.Join(' ', args)} on {Name} exited {answer.ExitCode}: {string.Join('\n', answer.Lines)}");
        return answer.Lines;
    }

    /// <summary>Source entities per member address, from <c>cluster-sharding region-stats -r source</c>.</summary>
    public async Task<IReadOnlyDictionary<string, int>> SourcesPerNodeAsync()
    {
        var lines = await PbmAsync("cluster-sharding", "region-stats", "-r", "source", "--json");
        return JsonDocument.Parse(lines[0]).RootElement.EnumerateArray()
            .ToDictionary(r => r.GetProperty("address").GetString()!, r => r.GetProperty("entities").GetInt32());
    }

    /// <summary>The members this node sees Up.</summary>
    public async Task<IReadOnlyList<string>> UpMembersAsync() =>
        (await PbmAsync("cluster", "show")).Where(l => l.Contains("| Up |", StringComparison.Ordinal)).Select(l => l.Split(" | ")[0].Trim()).ToList();

    /// <summary>kill -9: no leave, no handoff, no flush.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
