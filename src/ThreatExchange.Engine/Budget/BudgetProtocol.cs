namespace ThreatExchange.Engine.Budget;

/// <summary>Every message to and from a credential's budget entity; the id is the credential (principal@base URL).</summary>
public interface IBudgetMessage
{
    string Credential { get; }
}

public static class BudgetCommands
{
    public sealed record Acquire(string Credential, int Allowance) : IBudgetMessage;

    public sealed record ReportThrottled(string Credential, TimeSpan? RetryAfter) : IBudgetMessage;

    public sealed record ReportSucceeded(string Credential) : IBudgetMessage;

    public sealed record GetRemaining(string Credential) : IBudgetMessage;
}

public static class BudgetReplies
{
    public sealed record Granted(string Credential, int Remaining) : IBudgetMessage;

    public sealed record Denied(string Credential, DateTimeOffset NextAllowedAt, string Reason) : IBudgetMessage;

    public sealed record Remaining(string Credential, int Count) : IBudgetMessage;

    public sealed record Noted(string Credential) : IBudgetMessage;
}

public static class BudgetEvents
{
    public sealed record RequestSpent(string Credential, int Allowance, DateTimeOffset At) : IBudgetMessage;

    public sealed record Throttled(string Credential, TimeSpan? RetryAfter, DateTimeOffset At) : IBudgetMessage;

    public sealed record Recovered(string Credential) : IBudgetMessage;
}

/// <summary>The allowance as it stands, so recovery reads one record instead of a day's worth of requests.</summary>
public sealed record BudgetSnapshot(string Credential, int Allowance, IReadOnlyList<DateTimeOffset> Sent, DateTimeOffset? ThrottledUntil, int ConsecutiveThrottles)
    : IBudgetMessage;
