using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Streams;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.Budget;
using ThreatExchange.Proofpoint.Budget;
using ThreatExchange.Proofpoint.Client;
using ThreatExchange.Proofpoint.Extraction;

namespace ThreatExchange.Engine.Sources;

/// <summary>
/// One Proofpoint plugin configuration: owns its event-sourced checkpoint and known-IoC index, and runs its
/// poll graph while configured and not paused. It persists, replies and schedules; the state decides.
/// </summary>
public sealed class SourceEntity : ReceivePersistentActor
{
    private readonly SourceSettings _settings;
    private readonly SecretProtector _protector;
    private readonly IActorRef _budgetRegion;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private SourceState _state;
    private PollGraph.Handles? _poll;
    /// <summary>Not persisted: a window that was still current is simply asked again after this.</summary>
    private DateTimeOffset? _stillCurrentUntil;
    private bool _handingOff;

    public SourceEntity(string name, SourceSettings settings, SecretProtector protector, IActorRef budgetRegion, TimeProvider clock)
    {
        _settings = settings;
        _protector = protector;
        _budgetRegion = budgetRegion;
        _clock = clock;
        _state = SourceState.Empty(name);
        PersistenceId = "source-" + name;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is SourceSnapshot snapshot)
                _state = SourceState.FromSnapshot(snapshot);
        });
        Recover<ISourceEvent>(e => _state = _state.Apply(e, _settings));
        Recover<RecoveryCompleted>(_ => RestartPolling());

        Command<SourceCommands.Configure>(Configure);
        Command<SourceCommands.Pause>(p => PersistIf(_state is { Paused: false, Deleted: false } && _state.Configuration is not null, new SourceEvents.Paused(Now), p.SourceName));
        Command<SourceCommands.Resume>(r => PersistIf(_state is { Paused: true, Deleted: false }, new SourceEvents.Resumed(Now), r.SourceName));
        Command<SourceCommands.Delete>(d => PersistIf(_state is { Deleted: false } && _state.Configuration is not null, new SourceEvents.Deleted(Now), d.SourceName));
        Command<SourceCommands.PollNow>(p =>
        {
            _stillCurrentUntil = null;
            _poll?.PollNow.OfferAsync(Akka.NotUsed.Instance);
            Sender.Tell(new SourceReplies.Accepted(p.SourceName));
        });
        Command<SourceQueries.GetStatus>(_ => Sender.Tell(Status()));
        Command<SourceQueries.GetConfiguration>(_ => Sender.Tell(new SourceReplies.Configuration(_state.Name, _state.Deleted ? null : _state.Configuration)));

        Command<PollProtocol.PlanNext>(_ => Sender.Tell(_handingOff || _stillCurrentUntil > Now ? PollWork.Nothing : _state.NextWork(_settings, Now)));
        Command<PollProtocol.HandOff>(_ => HandOff());
        Command<PollProtocol.Drained>(_ => Context.Stop(Self));
        Command<PollProtocol.RecordGap>(g =>
        {
            var reason = $"The range {g.Gap} is older than the look-back limit of {_state.Configuration?.LookBackLimitHours} hours; Proofpoint no longer serves it.";
            PersistAndReply(new SourceEvents.GapRecorded(g.Gap, reason, Now), $"[{_state.Name}] gap {g.Gap}: {reason}");
        });
        Command<PollProtocol.RecordWindow>(w =>
        {
            var completed = _state.CompleteWindow(w.Window, w.Result, _settings, Now);
            EngineMetrics.Polls.Add(1, new("source", _state.Name), new("outcome", "ok"));
            EngineMetrics.Windows.Add(1, new("source", _state.Name), new("kind", w.Window.Kind.ToString().ToLowerInvariant()));
            foreach (var group in completed.Iocs.GroupBy(i => i.Type))
                EngineMetrics.Iocs.Add(group.Count(), new("source", _state.Name), new("type", group.Key));
            PersistAndReply(completed,
                $"[{_state.Name}] window {w.Window}: events={w.Result.Events} iocs={w.Result.Iocs.Count} new={completed.Iocs.Count} skipped={w.Result.SkippedCount}");
        });
        Command<PollProtocol.RecordFailure>(f =>
        {
            if (f.Error.Kind == TapErrorKind.IntervalStillCurrent)
            {
                _stillCurrentUntil = Now + TimeSpan.FromSeconds(30);
                Sender.Tell(new PollProtocol.Recorded($"[{_state.Name}] window {f.Window} is still current; asking again later."));
                return;
            }
            EngineMetrics.Polls.Add(1, new("source", _state.Name), new("outcome", "failed"));
            EngineMetrics.Failures.Add(1, new("source", _state.Name), new("kind", f.Error.Kind.ToString()));
            PersistAndReply(new SourceEvents.PollFailed(f.Window, f.Error.Kind.ToString(), f.Error.Message, f.Error.RetryNotBefore, Now),
                $"[{_state.Name}] window {f.Window} failed ({f.Error.Kind}): {f.Error.Message}");
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of source {0} failed; recovery will replay more events.", _state.Name));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    private DateTimeOffset Now => _clock.GetUtcNow();

    public static Props PropsFor(string name, SourceSettings settings, SecretProtector protector, IActorRef budgetRegion, TimeProvider clock) =>
        Props.Create(() => new SourceEntity(name, settings, protector, budgetRegion, clock));

    protected override void PreStart()
    {
        EngineMetrics.SourceEntityStarted();
        base.PreStart();
    }

    protected override void PostStop()
    {
        EngineMetrics.SourceEntityStopped();
        StopPolling();
        base.PostStop();
    }

    private void HandOff()
    {
        _handingOff = true;
        if (_poll is not { } poll)
        {
            Context.Stop(Self);
            return;
        }
        // No new trigger gets in and PlanNext answers nothing, so the drain ends once the window in flight is recorded.
        poll.KillSwitch.Shutdown();
        poll.Completion.ContinueWith(_ => new PollProtocol.Drained(), TaskScheduler.Default).PipeTo(Self);
    }

    private void Configure(SourceCommands.Configure configure)
    {
        var errors = configure.Configuration.Name != _state.Name
            ? [new Domain.ValidationError("name", $"Configuration Name '{configure.Configuration.Name}' does not match the entity '{_state.Name}'.")]
            : configure.Configuration.Unprotect(_protector).Validate();
        if (errors.Count > 0)
        {
            Sender.Tell(new SourceReplies.Rejected(_state.Name, errors));
            return;
        }
        if (_state is { Deleted: false, Configuration: { } held } && held.SameSettingsAs(configure.Configuration, _protector))
        {
            Sender.Tell(new SourceReplies.Accepted(_state.Name));
            return;
        }
        PersistAndReply(new SourceEvents.ConfigurationSet(configure.Configuration, Now), new SourceReplies.Accepted(_state.Name));
    }

    private void PersistIf(bool changes, ISourceEvent e, string sourceName)
    {
        if (changes)
            PersistAndReply(e, new SourceReplies.Accepted(sourceName));
        else
            Sender.Tell(new SourceReplies.Accepted(sourceName));
    }

    private void PersistAndReply(ISourceEvent e, string summary) => PersistAndReply(e, new PollProtocol.Recorded(summary));

    private void PersistAndReply(ISourceEvent e, object reply)
    {
        var replyTo = Sender;
        Persist(e, persisted =>
        {
            var wasPolling = _state.ShouldPoll;
            var previousInterval = _state.Configuration?.PollIntervalSeconds;
            var previousConfiguration = _state.Configuration;
            _state = _state.Apply(persisted, _settings);
            if (_state.ShouldPoll && _state.Cursor.Checkpoint is { } checkpoint)
                EngineMetrics.ReportLag(_state.Name, Now - checkpoint);
            else if (!_state.ShouldPoll)
                EngineMetrics.ForgetSource(_state.Name);
            replyTo.Tell(reply);
            if (LastSequenceNr % _settings.SnapshotEvery == 0)
                SaveSnapshot(_state.ToSnapshot());
            if (persisted is SourceEvents.ConfigurationSet && !ReferenceEquals(previousConfiguration, _state.Configuration))
                RestartPolling();
            else if (wasPolling != _state.ShouldPoll || previousInterval != _state.Configuration?.PollIntervalSeconds)
                RestartPolling();
        });
    }

    /// <summary>Stops any running graph and starts one for the current configuration, unless paused or deleted.</summary>
    private void RestartPolling()
    {
        StopPolling();
        if (!_state.ShouldPoll)
            return;
        var configuration = _state.Configuration!.Unprotect(_protector);
        var gate = new ShardedRequestGate(_budgetRegion, BudgetKey.For(configuration.Principal, configuration.BaseUrl).ToString(), configuration.RequestBudgetPerDay);
        // Retries and timeouts wait in real time whatever clock plans the windows, or a test's frozen clock would stall them.
        var client = new TapClient(TapClientOptions.From(configuration), gate, TimeProvider.System);
        var extractor = new IocExtractor(configuration.EffectiveEventTypes);
        _poll = PollGraph.Run(Self, TimeSpan.FromSeconds(configuration.PollIntervalSeconds), client, extractor, Context.Materializer(), _log);
    }

    private void StopPolling()
    {
        _poll?.KillSwitch.Shutdown();
        _poll = null;
    }

    private SourceReplies.Status Status() => new(
        _state.Name,
        _state.Configuration is { } configuration ? BudgetKey.For(configuration.Principal, configuration.BaseUrl).ToString() : null,
        _state.Configuration is not null,
        _state.Paused,
        _state.Deleted,
        _state.Cursor.Checkpoint,
        _state.Cursor.Checkpoint is { } checkpoint ? Now - checkpoint : null,
        _state.WindowsBehind(_settings, Now),
        _state.WindowsCompleted,
        _state.Known.Count,
        _state.Gaps.Count,
        _state.LastError,
        _state.LastErrorAt,
        _state.RetryNotBefore,
        Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString());
}
