using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Proofpoint.Client;

public sealed record TapClientOptions
{
    public required Uri BaseUrl { get; init; }
    public required string Principal { get; init; }
    public required Secret Secret { get; init; }
    public IReadOnlyList<string> ThreatStatuses { get; init; } = ["active", "cleared", "falsePositive"];
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Attempts per request, the first included; each attempt spends one request of the budget.</summary>
    public int MaxAttempts { get; init; } = 3;
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    public static TapClientOptions From(SourceConfiguration source) => new()
    {
        BaseUrl = new Uri(source.BaseUrl),
        Principal = source.Principal,
        Secret = source.Secret,
        ThreatStatuses = source.ThreatStatuses,
    };
}
