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
    private readonly TimeProvider _clock;
    private RequestBudget _budget = new();

    public BudgetEntity(string credential, TimeProvider clock)
    {
        _clock = clock;
        PersistenceId = "budget-" + credential;

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
    }

    public override string PersistenceId { get; }

    private static RequestBudget Spend(RequestBudget budget, DateTimeOffset at) =>
        budget.TryAcquire(at) is BudgetDecision.Granted granted ? granted.Budget : budget;

    public static Props PropsFor(string credential, TimeProvider clock) => Props.Create(() => new BudgetEntity(credential, clock));
}
