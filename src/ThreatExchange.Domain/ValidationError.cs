namespace ThreatExchange.Domain;

/// <summary>One broken rule: <see cref="Field"/> is the machine name (as in JSON), the message names it for a person.</summary>
public sealed record ValidationError(string Field, string Message)
{
    public override string ToString() => Message;
}

/// <summary>Thrown where a caller skipped validation; carries every broken rule, not just the first.</summary>
public sealed class ValidationException(IReadOnlyList<ValidationError> errors)
    : Exception(string.Join(" ", errors.Select(e => e.Message)))
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}
