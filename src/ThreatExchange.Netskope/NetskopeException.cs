namespace ThreatExchange.Netskope;

public enum NetskopeErrorKind { Unauthorized, Forbidden, NotFound, Throttled, Rejected, ServerError, Timeout, Unreachable, Unexpected }

/// <summary>A Netskope call that did not take effect, worded for the operator who has to act on it.</summary>
public sealed class NetskopeException(NetskopeErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public NetskopeErrorKind Kind { get; } = kind;

    /// <summary>True when waiting may fix it; the sharing stream then retries the batch with back-off.</summary>
    public bool IsTransient => Kind is NetskopeErrorKind.Throttled or NetskopeErrorKind.ServerError or NetskopeErrorKind.Timeout or NetskopeErrorKind.Unreachable;
}

/// <summary>A value Netskope refused, with its reason; reported, never retried as is.</summary>
public sealed record RejectedValue(string Value, string Reason);
