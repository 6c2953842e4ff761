using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.Persistence;
using ThreatExchange.Engine.ReadSide;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Engine.Sources;

namespace ThreatExchange.Engine.Tests.Sources;

/// <summary>A real host as the service builds it: Akka.Hosting, a one-node cluster, a SQLite file or PostgreSQL journal.</summary>
public sealed class EngineHost : IAsyncDisposable
{
    private readonly IHost _host;

    private EngineHost(IHost host, JournalSettings journal) => (_host, ReadSide) = (host, new ReadSideStore(journal));

    public ReadSideStore ReadSide { get; }

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public IActorRef Sources => _host.Services.GetRequiredService<IRequiredActor<SourceRegion>>().ActorRef;

    public IActorRef Sharing => _host.Services.GetRequiredService<IRequiredActor<SharingRegion>>().ActorRef;

    public IActorRef Budgets => _host.Services.GetRequiredService<IRequiredActor<BudgetRegion>>().ActorRef;

    public IActorRef Directory => _host.Services.GetRequiredService<IRequiredActor<DirectoryRegion>>().ActorRef;

    public async Task<ISharingReply> DirectoryAsync(IDirectoryMessage message) =>
        await Directory.Ask<ISharingReply>(message, TimeSpan.FromSeconds(15));

    public static async Task<EngineHost> StartAsync(JournalSettings journal, SecretProtector protector, TimeProvider clock, SourceSettings? settings = null)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .ConfigureServices(services => services.AddAkka("te-test", builder => builder
                .WithAkkaHocon()
                .WithThreatExchangePersistence(journal)
                .WithReadSide(journal, new ReadSideSettings { BatchWindow = TimeSpan.FromMilliseconds(200) }, clock)
                .WithThreatExchangeCluster()
                .WithSources(settings ?? new SourceSettings(), protector, clock)
                .WithSharing(new SharingSettings { BatchWindow = TimeSpan.FromMilliseconds(500), NetskopeRetryBaseDelay = TimeSpan.FromMilliseconds(50) }, protector, clock)))
            .Build();
        await host.StartAsync();
        return new EngineHost(host, journal);
    }

    public async Task<SourceReplies.Status> StatusAsync(string name) =>
        await Sources.Ask<SourceReplies.Status>(new SourceQueries.GetStatus(name), TimeSpan.FromSeconds(10));

    public async Task<ISourceReply> SendAsync(ISourceMessage message) =>
        await Sources.Ask<ISourceReply>(message, TimeSpan.FromSeconds(10));

    public async Task<ISourceReply> ConfigureAsync(SourceConfiguration configuration, SecretProtector protector) =>
        await Sources.Ask<ISourceReply>(new SourceCommands.Configure(configuration.Name, StoredSource.Protect(configuration, protector)), TimeSpan.FromSeconds(10));

    /// <summary>What the journal holds for a source, read back through Akka.Persistence.Query.</summary>
    public Task<IReadOnlyList<object>> EventsAsync(string name) => PersistedEventsAsync("source-" + name);

    public async Task<IReadOnlyList<object>> PersistedEventsAsync(string persistenceId)
    {
        var journal = PersistenceQuery.Get(System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var envelopes = await journal.CurrentEventsByPersistenceId(persistenceId, 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), System.Materializer());
        return envelopes.Select(e => e.Event).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
