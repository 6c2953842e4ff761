using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;
using ThreatExchange.Proofpoint.Client;
using ThreatExchange.Proofpoint.Extraction;
using ThreatExchange.Proofpoint.Windows;

namespace ThreatExchange.Engine.Sources;

/// <summary>Messages between a source entity and its poll graph; local to the node, never persisted.</summary>
internal static class PollProtocol
{
    public sealed record PlanNext;

    public sealed record RecordGap(PollGap Gap);

    public sealed record RecordWindow(PollWindow Window, ExtractionResult Result);

    public sealed record RecordFailure(PollWindow Window, TapException Error);

    public sealed record Recorded(string Summary);

    /// <summary>
    /// The shard's stop message on a rebalance or a graceful leave: the entity lets the window in flight be recorded
    /// before it stops, so the node that takes the source over never asks Proofpoint for it again.
    /// </summary>
    public sealed record HandOff
    {
        public static readonly HandOff Instance = new();
    }

    public sealed record Drained;
}

/// <summary>
/// The poll loop as a stream: ticks at the poll interval (and "poll now" triggers) start a drain that asks
/// the entity for the next due window, fetches it through the budget-gated TAP client, streams the body
/// through the extractor and has the entity persist the outcome, window after window, until nothing is
/// due. One window is in flight at a time, each planned from the state the last one left, so catch-up runs
/// back-to-back and a failure stops the drain with the checkpoint where it was.
/// </summary>
internal static class PollGraph
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    public sealed record Handles(UniqueKillSwitch KillSwitch, ISourceQueueWithComplete<NotUsed> PollNow, Task Completion);

    public static Handles Run(IActorRef entity, TimeSpan interval, TapClient client, IocExtractor extractor, IMaterializer materializer, ILoggingAdapter log)
    {
        var drain = Flow.Create<NotUsed>()
            .ConcatMany(_ => Source.UnfoldAsync(false, stopped => Step(stopped, entity, client, extractor)));
        var ((pollNow, killSwitch), done) = Source.Queue<NotUsed>(1, OverflowStrategy.DropHead)
            .MergeMaterialized(Source.Tick(TimeSpan.Zero, interval, NotUsed.Instance), Keep.Left)
            .Conflate((held, _) => held)
            .ViaMaterialized(KillSwitches.Single<NotUsed>(), Keep.Both)
            .Via(drain)
            // Every window is in the audit log already; at thousands of sources a log line each would be noise and cost.
            .ToMaterialized(Sink.ForEach<(string Summary, bool Failed)>(step =>
            {
                if (step.Failed)
                    log.Warning(step.Summary);
                else
                    log.Debug(step.Summary);
            }), Keep.Both)
            .Run(materializer);
        // The graph owns the client: it is disposed once the last in-flight request has settled, not under it.
        done.ContinueWith(t =>
        {
            client.Dispose();
            if (t.IsFaulted)
                log.Error(t.Exception, "The poll graph stopped on an error.");
        }, TaskScheduler.Default);
        return new Handles(killSwitch, pollNow, done);
    }

    /// <returns>The summary of one step and whether it failed, or none when nothing is due or the last step failed.</returns>
    private static async Task<Option<(bool, (string, bool))>> Step(bool stopped, IActorRef entity, TapClient client, IocExtractor extractor)
    {
        if (stopped)
            return Option<(bool, (string, bool))>.None;
        var work = await entity.Ask<PollWork>(new PollProtocol.PlanNext(), AskTimeout).ConfigureAwait(false);
        switch (work)
        {
            case PollWork.RecordGap gap:
                var gapRecorded = await entity.Ask<PollProtocol.Recorded>(new PollProtocol.RecordGap(gap.Gap), AskTimeout).ConfigureAwait(false);
                return (false, (gapRecorded.Summary, false));
            case PollWork.Fetch fetch:
                try
                {
                    var result = await client.FetchAsync(fetch.Window, extractor).ConfigureAwait(false);
                    var recorded = await entity.Ask<PollProtocol.Recorded>(new PollProtocol.RecordWindow(fetch.Window, result), AskTimeout).ConfigureAwait(false);
                    return (false, (recorded.Summary, false));
                }
                catch (TapException e)
                {
                    var recorded = await entity.Ask<PollProtocol.Recorded>(new PollProtocol.RecordFailure(fetch.Window, e), AskTimeout).ConfigureAwait(false);
                    return (true, (recorded.Summary, true));
                }
                catch (Exception e) when (e is AskTimeoutException or OperationCanceledException or ObjectDisposedException)
                {
                    // The entity is stopping or too busy to answer: end this drain; the next tick starts afresh from the journal's state.
                    return (true, ($"window {fetch.Window} was not recorded: {e.Message}", true));
                }
            default:
                return Option<(bool, (string, bool))>.None;
        }
    }
}
