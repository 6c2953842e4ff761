using Akka.Actor;
using Akka.Hosting;
using ThreatExchange.Engine.Budget;
using ThreatExchange.Engine.Sources;

namespace ThreatExchange.Host.Service;

/// <summary>A source's status with what its credential has left of the day's requests, as the API and pbm show it.</summary>
public sealed record SourceView(
    string SourceName, bool Paused, DateTimeOffset? Checkpoint, TimeSpan? Lag, int WindowsBehind, int? BudgetLeft,
    long WindowsCompleted, int KnownIocs, int Gaps, string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset? RetryNotBefore, string Node);

public sealed class SourceStatusReader(IRequiredActor<SourceRegion> sources, IRequiredActor<BudgetRegion> budgets)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(10);

    /// <returns>Null for a source that was never configured or is deleted.</returns>
    public async Task<SourceView?> ReadAsync(string name)
    {
        var status = await sources.ActorRef.Ask<SourceReplies.Status>(new SourceQueries.GetStatus(name), Ask);
        if (status is not { Configured: true, Deleted: false })
            return null;
        int? left = status.Credential is { } credential
            ? (await budgets.ActorRef.Ask<BudgetReplies.Remaining>(new BudgetCommands.GetRemaining(credential), Ask)).Count
            : null;
        return new SourceView(status.SourceName, status.Paused, status.Checkpoint, status.Lag, status.WindowsBehind, left,
            status.WindowsCompleted, status.KnownIocs, status.Gaps, status.LastError, status.LastErrorAt, status.RetryNotBefore, status.Node);
    }

    public async Task<IReadOnlyList<SourceView>> ReadAllAsync(IEnumerable<string> names) =>
        (await Task.WhenAll(names.Select(ReadAsync))).OfType<SourceView>().ToList();
}
