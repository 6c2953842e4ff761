using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Netskope;

public sealed record NetskopeClientOptions
{
    public required Uri TenantUrl { get; init; }
    public required Secret V2Token { get; init; }
    public Secret? V1Token { get; init; }
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxAttempts { get; init; } = 4;
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public static NetskopeClientOptions From(TenantConfiguration tenant) => new()
    {
        TenantUrl = new Uri(tenant.TenantUrl),
        V2Token = tenant.V2Token,
        V1Token = tenant.V1Token,
    };
}
