using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using ThreatExchange.Engine.Sources;
using ThreatExchange.Netskope;

namespace ThreatExchange.Engine.Sharing;

/// <summary>Messages between a sharing entity and its graph; local, never persisted.</summary>
internal static class SharingProtocol
{
    public sealed record GetOffset;

    public sealed record PlanBatch(IReadOnlyList<StoredIoc> Iocs, long ThroughSequenceNr);

    public sealed record Work(SharingState State, SharingPlan Plan);

    public sealed record RecordBatch(SharingPlan Plan, PushOutcome Outcome);

    public sealed record RecordFailure(long ThroughSequenceNr, string Reason);

    public sealed record Recorded(string Summary);
}

/// <summary>
/// The journal is the outbox: the graph reads the source's events from the rule's own persisted offset,
/// gathers them for a time window, has the entity plan the changes against what the lists hold, pushes
/// them with one request in flight, and has the entity persist the new offset only after Netskope accepted.
/// A failure restarts the graph with back-off from the persisted offset, so a slow or failing Netskope slows
/// this stream alone while the journal holds the backlog.
/// </summary>
internal static class SharingGraph
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    public static UniqueKillSwitch Run(IActorRef entity, string sourcePersistenceId, SqlReadJournal journal, ListPusher pusher,
        TimeSpan batchWindow, IMaterializer materializer, ILoggingAdapter log)
    {
        var settings = RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2);
        var shared = RestartSource.OnFailuresWithBackoff(() =>
        {
            var fromOffset = Flow.Create<long>().ConcatMany(offset => journal.EventsByPersistenceId(sourcePersistenceId, offset + 1, long.MaxValue));
            return Source.FromTask(entity.Ask<long>(new SharingProtocol.GetOffset(), AskTimeout))
                .Via(fromOffset)
                .GroupedWithin(10_000, batchWindow)
                .SelectAsync(1, envelopes => Push(entity, pusher, envelopes.ToList()));
        }, settings);

        var (killSwitch, done) = shared
            .ViaMaterialized(KillSwitches.Single<string>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<string>(summary => log.Info(summary)), Keep.Both)
            .Run(materializer);
        done.ContinueWith(_ => pusher.Dispose(), TaskScheduler.Default);
        return killSwitch;
    }

    private static async Task<string> Push(IActorRef entity, ListPusher pusher, IReadOnlyList<EventEnvelope> envelopes)
    {
        var through = envelopes.Max(e => e.SequenceNr);
        var iocs = envelopes.Select(e => e.Event).OfType<SourceEvents.WindowCompleted>().SelectMany(w => w.Iocs).ToList();
        var work = await entity.Ask<SharingProtocol.Work>(new SharingProtocol.PlanBatch(iocs, through), AskTimeout).ConfigureAwait(false);
        PushOutcome outcome;
        try
        {
            outcome = await pusher.PushAsync(work.State, work.Plan, CancellationToken.None).ConfigureAwait(false);
        }
        catch (NetskopeException e)
        {
            await entity.Ask<SharingProtocol.Recorded>(new SharingProtocol.RecordFailure(through, e.Message), AskTimeout).ConfigureAwait(false);
            throw;
        }
        var recorded = await entity.Ask<SharingProtocol.Recorded>(new SharingProtocol.RecordBatch(work.Plan, outcome), AskTimeout).ConfigureAwait(false);
        return recorded.Summary;
    }
}
