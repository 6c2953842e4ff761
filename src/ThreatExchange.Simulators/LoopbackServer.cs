using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ThreatExchange.Simulators;

/// <summary>
/// What every simulator needs: Kestrel on 127.0.0.1 (port 0 picks a free one; a container binds all addresses
/// instead), request counters for <c>/_sim/requests</c>, and seeded dice for fault injection.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private readonly Random _dice;
    private readonly Lock _lock = new();

    public LoopbackServer(int port, int seed, IPAddress? listenAddress = null)
    {
        _dice = new Random(seed);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k => k.Listen(listenAddress ?? IPAddress.Loopback, port));
        App = builder.Build();
    }

    public WebApplication App { get; }

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyDictionary<string, int> Requests => new SortedDictionary<string, int>(_requests);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await App.StartAsync(cancellationToken);
        BaseUrl = new Uri(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public void Count(string what) => _requests.AddOrUpdate(what, 1, (_, n) => n + 1);

    public bool Roll(double probability)
    {
        lock (_lock)
            return probability > 0 && _dice.NextDouble() < probability;
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => App.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
