using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Engine.Sharing;

/// <summary>A tenant as it travels and rests: its tokens only in their encrypted form.</summary>
public sealed record StoredTenant(
    string Name,
    string TenantUrl,
    string ProtectedV2Token,
    string? ProtectedV1Token,
    string UrlListName,
    string UrlListType,
    string? FileHashListName,
    int UrlListCapMegabytes,
    int FileHashListCapMegabytes)
{
    private static string Purpose(string tenant, string token) => $"tenant:{tenant}/{token}";

    public static StoredTenant Protect(TenantConfiguration tenant, SecretProtector protector) => new(
        tenant.Name, tenant.TenantUrl, protector.Protect(tenant.V2Token, Purpose(tenant.Name, "v2")),
        tenant.HasV1Token ? protector.Protect(tenant.V1Token!, Purpose(tenant.Name, "v1")) : null,
        tenant.UrlListName, tenant.UrlListType, tenant.FileHashListName, tenant.UrlListCapMegabytes, tenant.FileHashListCapMegabytes);

    public TenantConfiguration Unprotect(SecretProtector protector) => new()
    {
        Name = Name,
        TenantUrl = TenantUrl,
        V2Token = protector.Unprotect(ProtectedV2Token, Purpose(Name, "v2")),
        V1Token = ProtectedV1Token is null ? null : protector.Unprotect(ProtectedV1Token, Purpose(Name, "v1")),
        UrlListName = UrlListName,
        UrlListType = UrlListType,
        FileHashListName = FileHashListName,
        UrlListCapMegabytes = UrlListCapMegabytes,
        FileHashListCapMegabytes = FileHashListCapMegabytes,
    };
}
