using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using ThreatExchange.Engine.Persistence;

namespace ThreatExchange.Engine.ReadSide;

public sealed record ReadSideSettings
{
    public TimeSpan AuditRetention { get; init; } = TimeSpan.FromDays(30);
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Projects every journal event, in order, into the catalog and audit tables: one stream from the
/// projection's stored offset, batched, each batch and its offset written in one transaction, restarted
/// with back-off if the database fails.
/// </summary>
public sealed class ReadSideProjection : ReceiveActor
{
    public const string Name = "read-side";

    private UniqueKillSwitch? _stream;

    public ReadSideProjection(ReadSideStore store, ReadSideSettings settings, TimeProvider clock)
    {
        var log = Context.GetLogger();
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var restart = RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2);
        var source = RestartSource.OnFailuresWithBackoff(() =>
            Source.FromTask(Start(store))
                .Via(Flow.Create<long>().ConcatMany(offset => journal.AllEvents(Offset.Sequence(offset))))
                .GroupedWithin(1000, settings.BatchWindow)
                .SelectAsync(1, async envelopes =>
                {
                    var batch = new ReadSideBatch();
                    foreach (var envelope in envelopes)
                        batch.Add(envelope.PersistenceId, envelope.Event);
                    var through = envelopes.Max(e => ((Sequence)e.Offset).Value);
                    await store.ApplyAsync(Name, through, batch, settings.AuditRetention, clock.GetUtcNow());
                    return through;
                }), restart);
        _stream = source.ViaMaterialized(KillSwitches.Single<long>(), Keep.Right)
            .To(Sink.Ignore<long>())
            .Run(Context.Materializer());
        log.Info("Read-side projection started.");
        ReceiveAny(_ => { });
    }

    private static async Task<long> Start(ReadSideStore store)
    {
        await store.EnsureCreatedAsync();
        return await store.OffsetAsync(Name);
    }

    protected override void PostStop() => _stream?.Shutdown();

    public static Props PropsFor(ReadSideStore store, ReadSideSettings settings, TimeProvider clock) =>
        Props.Create(() => new ReadSideProjection(store, settings, clock));
}

/// <summary>Registry key of the read-side projection.</summary>
public sealed class ReadSideProjectionActor;

public static class ReadSideHosting
{
    /// <summary>
    /// The catalog and audit projection, on the journal's database, as a cluster singleton: two copies would race on
    /// the offset and write every audit entry twice. It moves to the oldest node left when its node goes.
    /// </summary>
    public static AkkaConfigurationBuilder WithReadSide(this AkkaConfigurationBuilder builder, JournalSettings journal, ReadSideSettings settings, TimeProvider clock) =>
        builder.WithSingleton<ReadSideProjectionActor>(ReadSideProjection.Name, ReadSideProjection.PropsFor(new ReadSideStore(journal), settings, clock),
            new ClusterSingletonOptions(), createProxyToo: true);
}
