using Akka.Actor;
using ThreatExchange.Proofpoint.Client;

namespace ThreatExchange.Engine.Budget;

/// <summary>The TAP client's request gate backed by the credential's budget entity, wherever in the cluster it lives.</summary>
public sealed class ShardedRequestGate(IActorRef budgetRegion, string credential, int allowance) : ITapRequestGate
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        var reply = await budgetRegion.Ask<IBudgetMessage>(new BudgetCommands.Acquire(credential, allowance), AskTimeout, cancellationToken).ConfigureAwait(false);
        if (reply is BudgetReplies.Denied denied)
            throw new TapException(TapErrorKind.BudgetExhausted, $"No request was sent: {denied.Reason}", retryNotBefore: denied.NextAllowedAt);
    }

    public async ValueTask ThrottledAsync(TimeSpan? retryAfter, CancellationToken cancellationToken) =>
        await budgetRegion.Ask<IBudgetMessage>(new BudgetCommands.ReportThrottled(credential, retryAfter), AskTimeout, cancellationToken).ConfigureAwait(false);

    public async ValueTask SucceededAsync(CancellationToken cancellationToken) =>
        await budgetRegion.Ask<IBudgetMessage>(new BudgetCommands.ReportSucceeded(credential), AskTimeout, cancellationToken).ConfigureAwait(false);
}
