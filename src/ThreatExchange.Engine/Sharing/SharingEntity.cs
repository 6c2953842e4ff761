using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Netskope;

namespace ThreatExchange.Engine.Sharing;

public sealed record SharingSettings
{
    /// <summary>How long IoCs gather before one push, so a burst of windows becomes one deploy.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan NetskopeRetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    public int NetskopeMaxAttempts { get; init; } = 4;
}

/// <summary>
/// One sharing rule: owns its offset into the source's journal and what each of its lists holds, and runs
/// the sharing graph while configured.
/// </summary>
public sealed class SharingEntity : ReceivePersistentActor
{
    private readonly SharingSettings _settings;
    private readonly SecretProtector _protector;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private SharingState _state;
    private UniqueKillSwitch? _graph;
    /// <summary>Not persisted on purpose: every start of the graph begins by rewriting the lists from the state.</summary>
    private bool _reconciled;

    public SharingEntity(string ruleName, SharingSettings settings, SecretProtector protector, TimeProvider clock)
    {
        _settings = settings;
        _protector = protector;
        _clock = clock;
        _state = SharingState.Empty(ruleName);
        PersistenceId = "sharing-" + ruleName;

        Recover<ISharingEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => RestartSharing());

        Command<SharingCommands.Configure>(Configure);
        Command<SharingCommands.Delete>(d =>
        {
            if (_state.Rule is null || _state.Deleted)
                Sender.Tell(new SharingReplies.Accepted(d.RuleName));
            else
                PersistAndReply(new SharingEvents.Deleted(Now), new SharingReplies.Accepted(d.RuleName));
        });
        Command<SharingQueries.GetStatus>(_ => Sender.Tell(new SharingReplies.Status(
            _state.RuleName, _state.Rule is not null, _state.Deleted, _state.Offset, _state.UrlList.Count, _state.FileHashes.Count,
            _state.LastPushAt, _state.LastError, _state.LastErrorAt)));

        Command<SharingProtocol.GetOffset>(_ => Sender.Tell(_state.Offset));
        Command<SharingProtocol.PlanBatch>(p => Sender.Tell(new SharingProtocol.Work(_state,
            _state.Plan(p.Iocs, p.ThroughSequenceNr, Now) with { Reconcile = !_reconciled })));
        Command<SharingProtocol.RecordBatch>(r =>
        {
            if (r.Plan.Reconcile)
                _reconciled = true;
            EngineMetrics.Pushes.Add(1, new("rule", _state.RuleName), new("outcome", "accepted"));
            var refused = r.Outcome.Refused.Select(u => u.Value).ToHashSet(StringComparer.Ordinal);
            var plan = r.Plan;
            var shared = new SharingEvents.BatchShared(plan.ThroughSequenceNr, r.Outcome.UrlListId,
                plan.UrlsAdded.Where(a => !refused.Contains(a.Value)).ToList(), plan.UrlsRemoved,
                plan.HashesAdded, plan.HashesRemoved, plan.Unshared.Concat(r.Outcome.Refused).ToList(), plan.Refreshed, Now);
            PersistAndReply(shared, new SharingProtocol.Recorded(
                $"[{_state.RuleName}] through #{plan.ThroughSequenceNr}: url-list +{shared.UrlsAdded.Count} -{shared.UrlsRemoved.Count}, " +
                $"file-hash-list +{shared.HashesAdded.Count} -{shared.HashesRemoved.Count}, not shared {shared.Unshared.Count}"));
        });
        Command<SharingProtocol.RecordFailure>(f =>
        {
            EngineMetrics.Pushes.Add(1, new("rule", _state.RuleName), new("outcome", "failed"));
            PersistAndReply(new SharingEvents.PushFailed(f.ThroughSequenceNr, f.Reason, Now),
                new SharingProtocol.Recorded($"[{_state.RuleName}] push failed: {f.Reason}"));
        });
    }

    public override string PersistenceId { get; }

    private DateTimeOffset Now => _clock.GetUtcNow();

    public static Props PropsFor(string ruleName, SharingSettings settings, SecretProtector protector, TimeProvider clock) =>
        Props.Create(() => new SharingEntity(ruleName, settings, protector, clock));

    protected override void PostStop()
    {
        _graph?.Shutdown();
        base.PostStop();
    }

    private void Configure(SharingCommands.Configure configure)
    {
        var tenant = configure.Tenant.Unprotect(_protector);
        var errors = tenant.Validate().Concat(configure.Rule.Validate(new SharingContext([configure.Rule.Source], [tenant], []))).ToList();
        if (configure.Rule.Name != _state.RuleName)
            errors.Add(new Domain.ValidationError("name", $"Sharing Rule Name '{configure.Rule.Name}' does not match the entity '{_state.RuleName}'."));
        if (errors.Count > 0)
        {
            Sender.Tell(new SharingReplies.Rejected(_state.RuleName, errors));
            return;
        }
        PersistAndReply(new SharingEvents.RuleSet(configure.Rule, configure.Tenant, Now), new SharingReplies.Accepted(_state.RuleName));
    }

    private void PersistAndReply(ISharingEvent e, object reply)
    {
        var replyTo = Sender;
        Persist(e, persisted =>
        {
            _state = _state.Apply(persisted);
            replyTo.Tell(reply);
            if (persisted is SharingEvents.RuleSet or SharingEvents.Deleted)
                RestartSharing();
        });
    }

    private void RestartSharing()
    {
        _graph?.Shutdown();
        _graph = null;
        _reconciled = false;
        if (!_state.ShouldShare)
            return;
        var tenant = _state.Tenant!.Unprotect(_protector);
        var http = new NetskopeHttp(NetskopeClientOptions.From(tenant) with
        {
            RetryBaseDelay = _settings.NetskopeRetryBaseDelay,
            MaxAttempts = _settings.NetskopeMaxAttempts,
        }, TimeProvider.System);
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        _graph = SharingGraph.Run(Self, "source-" + _state.Rule!.Source, journal, new ListPusher(http, tenant), _settings.BatchWindow, Context.Materializer(), _log);
    }
}
