using System.CommandLine;
using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.DependencyInjection;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Host.Service;
using ThreatExchange.Engine.Sources;
using ThreatExchange.Simulators.Netskope;
using ThreatExchange.Simulators.Proofpoint;

namespace ThreatExchange.Host.Demo;

/// <summary>
/// <c>demo</c>: the whole flow on this machine in one process. Both simulators on free loopback ports, a demo
/// source, tenant and sharing rule, the engine on a SQLite file, and a line per window and per push as IoCs
/// flow. Ctrl-C or SIGTERM stops it through the host's shutdown, which runs Akka's CoordinatedShutdown.
/// </summary>
public static class DemoCommand
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(15);

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Folder of the demo's journal and key file.", DefaultValueFactory = _ => Path.Combine("data", "demo") };
        var command = new Command("demo", "Run Proofpoint TAP → ThreatExchange → Netskope end to end against the simulators.") { data };
        command.SetAction((parsed, cancellationToken) => RunAsync(parsed.GetValue(data)!, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string dataFolder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataFolder);
        await using var tap = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 2026, ThreatsPerHour = 120 }, cancellationToken);
        await using var netskope = await NetskopeSimulator.StartAsync(new NetskopeSimulatorOptions(), cancellationToken);
        // The demo is the service itself on free loopback ports, with the API and the command server, so pbm works against it.
        var app = ServiceCommand.Build(new ServiceOptions
        {
            DataFolder = dataFolder,
            ApiUrl = "http://127.0.0.1:0",
            CommandUrl = "http://127.0.0.1:0",
            DeclarationsFolder = Path.Combine(dataFolder, "no-declarations"),
            AkkaSettings = "akka.loglevel = WARNING",
        });
        await app.StartAsync(cancellationToken);
        var protector = app.Services.GetRequiredService<SecretProtector>();
        var system = app.Services.GetRequiredService<ActorSystem>();

        Console.WriteLine($"Proofpoint TAP simulator: {tap.BaseUrl}");
        Console.WriteLine($"Netskope simulator:       {netskope.BaseUrl}  (deployed lists: {netskope.BaseUrl}_sim/urllists, {netskope.BaseUrl}_sim/filehashlists)");
        Console.WriteLine($"Journal:                  {Path.GetFullPath(Path.Combine(dataFolder, "threat-exchange.db"))}");
        var urls = app.Urls.ToList();
        var pbm = new Uri(urls[^1]).Authority;
        Console.WriteLine($"Web console:              {urls[0]}/");
        Console.WriteLine($"Management API:           {urls[0]}/api/iocs  (also /api/sources, /api/audit, /metrics)");
        Console.WriteLine("Inspect it with pbm:");
        foreach (var command in new[] { "cluster show", "te sources", "te iocs -n 10", "te sharing", "cluster-sharding region-stats -r source" })
            Console.WriteLine($"  dotnet run --project src/ThreatExchange.Cli -- {pbm} {command}");
        await Configure(app.Services, protector, tap.BaseUrl, netskope.BaseUrl);
        Console.WriteLine("Source 'demo-tap' polls the last 2 hours, then every 5 minutes; rule 'demo-to-netskope' shares to the URL and file hash lists.");
        Console.WriteLine("Press Ctrl-C to stop.");

        var flowing = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier)
            .AllEvents(Offset.Sequence(0))
            .Collect(envelope => Describe(envelope.PersistenceId, envelope.Event) is not null, envelope => Describe(envelope.PersistenceId, envelope.Event)!)
            .ViaMaterialized(KillSwitches.Single<string>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<string>(Console.WriteLine), Keep.Both)
            .Run(system.Materializer());
        _ = flowing.Item2.ContinueWith(t => Console.Error.WriteLine($"The demo's event feed stopped: {t.Exception?.GetBaseException().Message}"),
            TaskContinuationOptions.OnlyOnFaulted);

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        flowing.Item1.Shutdown();
        Console.WriteLine("Stopping...");
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        return 0;
    }

    private static async Task Configure(IServiceProvider services, SecretProtector protector, Uri tapUrl, Uri netskopeUrl)
    {
        var sources = services.GetRequiredService<IRequiredActor<SourceRegion>>().ActorRef;
        var directory = services.GetRequiredService<IRequiredActor<DirectoryRegion>>().ActorRef;
        var source = new SourceConfiguration
        {
            Name = "demo-tap", BaseUrl = tapUrl.ToString(), Principal = "sim-principal", Secret = new Secret("sim-secret"), InitialRangeHours = 2,
        };
        var tenant = new TenantConfiguration
        {
            Name = "demo-netskope", TenantUrl = netskopeUrl.ToString(), V2Token = new Secret("sim-v2-token"), V1Token = new Secret("sim-v1-token"),
            UrlListName = "proofpoint-urls", FileHashListName = "proofpoint-hashes",
        };
        Expect(await sources.Ask<ISourceReply>(new SourceCommands.Configure(source.Name, StoredSource.Protect(source, protector)), Ask));
        Expect(await directory.Ask<ISharingReply>(new DirectoryCommands.RegisterSource(source.Name), Ask));
        Expect(await directory.Ask<ISharingReply>(new DirectoryCommands.SetTenant(StoredTenant.Protect(tenant, protector)), Ask));
        Expect(await directory.Ask<ISharingReply>(new DirectoryCommands.SetRule(new SharingRule { Name = "demo-to-netskope", Source = source.Name, Tenant = tenant.Name }), Ask));
    }

    private static void Expect(object reply)
    {
        switch (reply)
        {
            case SourceReplies.Rejected rejected:
                throw new InvalidOperationException(string.Join(" ", rejected.Errors));
            case SharingReplies.Rejected rejected:
                throw new InvalidOperationException(string.Join(" ", rejected.Errors));
        }
    }

    private static string? Describe(string persistenceId, object e) => e switch
    {
        SourceEvents.WindowCompleted w => $"{Time(w.At)} [{Name(persistenceId)}] window {w.Window.ToInterval()} ({w.Window.Kind.ToString().ToLowerInvariant()}): {w.Events} events, {w.Found} IoCs found, {w.Iocs.Count} new or changed",
        SourceEvents.GapRecorded g => $"{Time(g.At)} [{Name(persistenceId)}] gap {g.Gap}: {g.Reason}",
        SourceEvents.PollFailed f => $"{Time(f.At)} [{Name(persistenceId)}] window {f.Window.ToInterval()} failed: {f.Reason}",
        SharingEvents.BatchShared b when b.UrlsAdded.Count + b.UrlsRemoved.Count + b.HashesAdded.Count + b.HashesRemoved.Count > 0 =>
            $"{Time(b.At)} [{Name(persistenceId)}] shared: url list +{b.UrlsAdded.Count} -{b.UrlsRemoved.Count}, file hash list +{b.HashesAdded.Count} -{b.HashesRemoved.Count}",
        SharingEvents.PushFailed f => $"{Time(f.At)} [{Name(persistenceId)}] push failed: {f.Reason}",
        _ => null,
    };

    private static string Name(string persistenceId) => persistenceId.Split('-', 2) is [_, var name] ? name : persistenceId;

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
