using System.Net.Http.Json;
using ThreatExchange.Simulators.Proofpoint;

namespace ThreatExchange.Proofpoint.Tests.Client;

/// <summary>Runs the TAP simulator on a free loopback port for the duration of one test.</summary>
public sealed class RunningSimulator : IAsyncDisposable
{
    private RunningSimulator(ProofpointSimulator simulator) => Simulator = simulator;

    public ProofpointSimulator Simulator { get; }

    public Uri BaseUrl => Simulator.BaseUrl;

    public static async Task<RunningSimulator> StartAsync(ProofpointSimulatorOptions? options = null) =>
        new(await ProofpointSimulator.StartAsync(options ?? new ProofpointSimulatorOptions { Seed = 7, ThreatsPerHour = 40 }));

    public async Task<IReadOnlyDictionary<string, int>> RequestCountsAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl };
        return (await http.GetFromJsonAsync<Dictionary<string, int>>("/_sim/requests"))!;
    }

    public async Task<int> CountOf(string key) => (await RequestCountsAsync()).GetValueOrDefault(key);

    public async Task<IReadOnlyList<TruthIoc>> TruthAsync(DateTimeOffset from, DateTimeOffset to)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl };
        return (await http.GetFromJsonAsync<List<TruthIoc>>($"/_sim/truth?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}"))!;
    }

    public async ValueTask DisposeAsync() => await Simulator.DisposeAsync();
}
