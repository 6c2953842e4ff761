using ThreatExchange.Proofpoint.Budget;

namespace ThreatExchange.Proofpoint.Client;

/// <summary>
/// Asked before every attempt that would reach Proofpoint, retries included, so the credential's daily
/// allowance is never overspent. In a cluster it is backed by the credential's budget entity.
/// </summary>
public interface ITapRequestGate
{
    /// <summary>Spends one request, or throws <see cref="TapException"/> (<see cref="TapErrorKind.BudgetExhausted"/>) without sending.</summary>
    ValueTask AcquireAsync(CancellationToken cancellationToken);

    ValueTask ThrottledAsync(TimeSpan? retryAfter, CancellationToken cancellationToken);

    ValueTask SucceededAsync(CancellationToken cancellationToken);
}

/// <summary>A gate over one in-process <see cref="RequestBudget"/>: for a single node, the offline tools and tests.</summary>
public sealed class LocalRequestGate(RequestBudget budget, TimeProvider clock) : ITapRequestGate
{
    private readonly Lock _lock = new();
    private RequestBudget _budget = budget;

    public RequestBudget Budget
    {
        get
        {
            lock (_lock)
                return _budget;
        }
    }

    public ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            switch (_budget.TryAcquire(clock.GetUtcNow()))
            {
                case BudgetDecision.Granted granted:
                    _budget = granted.Budget;
                    return ValueTask.CompletedTask;
                case BudgetDecision.Denied denied:
                    throw new TapException(TapErrorKind.BudgetExhausted, $"No request was sent: {denied.Reason}", retryNotBefore: denied.NextAllowedAt);
                default:
                    throw new InvalidOperationException("Unknown budget decision.");
            }
        }
    }

    public ValueTask ThrottledAsync(TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        lock (_lock)
            _budget = _budget.Throttled(clock.GetUtcNow(), retryAfter);
        return ValueTask.CompletedTask;
    }

    public ValueTask SucceededAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
            _budget = _budget.Succeeded();
        return ValueTask.CompletedTask;
    }
}
