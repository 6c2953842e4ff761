namespace ThreatExchange.Proofpoint.Client;

public enum TapErrorKind
{
    BadParameter,
    Unauthorized,
    Forbidden,
    NotFound,
    Throttled,
    BudgetExhausted,
    LookBackExceeded,
    IntervalStillCurrent,
    MalformedBody,
    ServerError,
    Timeout,
    Unreachable,
    Unexpected,
}

/// <summary>A TAP call that did not yield data, worded for the operator who has to act on it.</summary>
public sealed class TapException(TapErrorKind kind, string message, Exception? inner = null, DateTimeOffset? retryNotBefore = null)
    : Exception(message, inner)
{
    public TapErrorKind Kind { get; } = kind;

    /// <summary>When set, no request should go before this time (a 429, a spent budget).</summary>
    public DateTimeOffset? RetryNotBefore { get; } = retryNotBefore;

    /// <summary>
    /// True when waiting may fix it without anyone changing the configuration. A still-current interval is
    /// not a failure at all: the window is simply asked again later.
    /// </summary>
    public bool IsTransient => Kind is TapErrorKind.Throttled or TapErrorKind.BudgetExhausted or TapErrorKind.IntervalStillCurrent
        or TapErrorKind.MalformedBody or TapErrorKind.ServerError or TapErrorKind.Timeout or TapErrorKind.Unreachable;
}
