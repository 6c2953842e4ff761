using System.Collections.Immutable;

namespace ThreatExchange.Proofpoint.Budget;

/// <summary>One Proofpoint credential pool: the same principal against the same API shares one allowance.</summary>
public sealed record BudgetKey(string Principal, string BaseUrl)
{
    public static BudgetKey For(string principal, string baseUrl) => new(principal, baseUrl.TrimEnd('/').ToLowerInvariant());

    public override string ToString() => $"{Principal}@{BaseUrl}";
}

public abstract record BudgetDecision
{
    private BudgetDecision() { }

    public sealed record Granted(RequestBudget Budget) : BudgetDecision;

    /// <summary>No request may go before <paramref name="NextAllowedAt"/>; the caller waits, it does not send.</summary>
    public sealed record Denied(DateTimeOffset NextAllowedAt, string Reason) : BudgetDecision;
}

/// <summary>
/// The rolling 24-hour request allowance of one credential, as Proofpoint counts it. Immutable: every
/// decision returns the budget to keep, so an actor can hold it as state and a test can replay it.
/// </summary>
public sealed record RequestBudget
{
    public const int DefaultAllowance = 1800;
    public static readonly TimeSpan Period = TimeSpan.FromHours(24);
    public static readonly TimeSpan FirstThrottleBackoff = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxThrottleBackoff = TimeSpan.FromHours(6);

    public int Allowance { get; init; } = DefaultAllowance;
    /// <summary>When each request still inside the rolling period was sent, oldest first.</summary>
    public ImmutableQueue<DateTimeOffset> Sent { get; init; } = [];
    public int SentCount { get; init; }
    /// <summary>After a 429, nothing is sent before this time.</summary>
    public DateTimeOffset? ThrottledUntil { get; init; }
    public int ConsecutiveThrottles { get; init; }

    public static RequestBudget WithAllowance(int allowance) => new() { Allowance = allowance };

    public int Remaining(DateTimeOffset now) => Math.Max(0, Allowance - Expire(now).SentCount);

    public BudgetDecision TryAcquire(DateTimeOffset now)
    {
        var current = Expire(now);
        if (current.ThrottledUntil is { } until && until > now)
            return new BudgetDecision.Denied(until, $"Proofpoint answered 429; waiting until {until:u} before the next request.");
        if (current.SentCount >= Allowance)
        {
            var next = current.Sent.Peek() + Period;
            return new BudgetDecision.Denied(next, $"The {Allowance} requests of the last 24 hours are spent; the next may go at {next:u}.");
        }
        return new BudgetDecision.Granted(current with { Sent = current.Sent.Enqueue(now), SentCount = current.SentCount + 1 });
    }

    /// <summary>A 429: Proofpoint says the pool is spent, whatever we counted. Back off, growing, honouring Retry-After.</summary>
    public RequestBudget Throttled(DateTimeOffset now, TimeSpan? retryAfter)
    {
        var backoff = TimeSpan.FromTicks(Math.Min(
            MaxThrottleBackoff.Ticks,
            FirstThrottleBackoff.Ticks * (1L << Math.Min(ConsecutiveThrottles, 16))));
        if (retryAfter is { } wait && wait > backoff)
            backoff = wait;
        return this with { ThrottledUntil = now + backoff, ConsecutiveThrottles = ConsecutiveThrottles + 1 };
    }

    /// <summary>A request went through, so the pool has room again: the next 429 starts the back-off afresh.</summary>
    public RequestBudget Succeeded() => ConsecutiveThrottles == 0 && ThrottledUntil is null
        ? this
        : this with { ConsecutiveThrottles = 0, ThrottledUntil = null };

    private RequestBudget Expire(DateTimeOffset now)
    {
        var sent = Sent;
        var count = SentCount;
        while (count > 0 && sent.Peek() <= now - Period)
        {
            sent = sent.Dequeue();
            count--;
        }
        return count == SentCount ? this : this with { Sent = sent, SentCount = count };
    }
}
