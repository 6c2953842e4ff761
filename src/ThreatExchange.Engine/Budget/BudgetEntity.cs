using Akka.Actor;
using Akka.Persistence;
using ThreatExchange.Proofpoint.Budget;

namespace ThreatExchange.Engine.Budget;

/// <summary>
/// One credential's rolling 24-hour allowance, shared by every source that polls with it anywhere in the
/// cluster: sharding keeps one live entity per credential, and persistence keeps the count across restarts.
/// </summary>
public sealed class BudgetEntity : ReceivePersistentActor
{
    /// <summary>Every request is an event; snapshots keep recovery to one record plus at most this many events.</summary>
    private const int SnapshotEvery = 100;

    private readonly TimeProvider _clock;
    private readonly string _credential;
    private RequestBudget _budget = new();

    public BudgetEntity(string credential, TimeProvider clock)
    {
        _clock = clock;
        _credential = credential;
        PersistenceId = "budget-" + credential;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is BudgetSnapshot snapshot)
                _budget = new RequestBudget
                {
                    Allowance = snapshot.Allowance,
                    Sent = [.. snapshot.Sent],
                    SentCount = snapshot.Sent.Count,
                    ThrottledUntil = snapshot.ThrottledUntil,
                    ConsecutiveThrottles = snapshot.ConsecutiveThrottles,
                };
        });
        Recover<BudgetEvents.RequestSpent>(e => _budget = Spend(_budget with { Allowance = e.Allowance }, e.At));
        Recover<BudgetEvents.Throttled>(e => _budget = _budget.Throttled(e.At, e.RetryAfter));
        Recover<BudgetEvents.Recovered>(_ => _budget = _budget.Succeeded());

        Command<BudgetCommands.Acquire>(acquire =>
        {
            var now = _clock.GetUtcNow();
            switch ((_budget with { Allowance = acquire.Allowance }).TryAcquire(now))
            {
                case BudgetDecision.Granted granted:
                    Persist(new BudgetEvents.RequestSpent(acquire.Credential, acquire.Allowance, now), _ =>
                    {
                        _budget = granted.Budget;
                        SnapshotWhenDue();
                        EngineMetrics.ReportBudgetLeft(acquire.Credential, _budget.Remaining(now));
                        Sender.Tell(new BudgetReplies.Granted(acquire.Credential, _budget.Remaining(now)));
                    });
                    break;
                case BudgetDecision.Denied denied:
                    Sender.Tell(new BudgetReplies.Denied(acquire.Credential, denied.NextAllowedAt, denied.Reason));
                    break;
            }
        });
        Command<BudgetCommands.ReportThrottled>(t => Persist(new BudgetEvents.Throttled(t.Credential, t.RetryAfter, _clock.GetUtcNow()), e =>
        {
            _budget = _budget.Throttled(e.At, e.RetryAfter);
            Sender.Tell(new BudgetReplies.Noted(t.Credential));
        }));
        Command<BudgetCommands.ReportSucceeded>(s =>
        {
            if (_budget.ThrottledUntil is null && _budget.ConsecutiveThrottles == 0)
            {
                Sender.Tell(new BudgetReplies.Noted(s.Credential));
                return;
            }
            Persist(new BudgetEvents.Recovered(s.Credential), _ =>
            {
                _budget = _budget.Succeeded();
                Sender.Tell(new BudgetReplies.Noted(s.Credential));
            });
        });
        Command<BudgetCommands.GetRemaining>(q => Sender.Tell(new BudgetReplies.Remaining(q.Credential, _budget.Remaining(_clock.GetUtcNow()))));
        // Events behind a saved snapshot are never read again: drop them so the journal holds a day, not a year.
        Command<SaveSnapshotSuccess>(s =>
        {
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    private void SnapshotWhenDue()
    {
        if (LastSequenceNr % SnapshotEvery == 0)
            SaveSnapshot(new BudgetSnapshot(_credential, _budget.Allowance, [.. _budget.Sent], _budget.ThrottledUntil, _budget.ConsecutiveThrottles));
    }

    private static RequestBudget Spend(RequestBudget budget, DateTimeOffset at) =>
        budget.TryAcquire(at) is BudgetDecision.Granted granted ? granted.Budget : budget;

    public static Props PropsFor(string credential, TimeProvider clock) => Props.Create(() => new BudgetEntity(credential, clock));
}
