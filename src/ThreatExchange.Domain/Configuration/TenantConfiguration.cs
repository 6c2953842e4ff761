using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Domain.Configuration;

public static class UrlListTypes
{
    public const string Exact = "exact";
    public const string Regex = "regex";
    public static readonly IReadOnlyList<string> All = [Exact, Regex];
}

/// <summary>One Netskope tenant and the lists on it that receive IoCs.</summary>
public sealed record TenantConfiguration
{
    public const int MaxUrlListCapMegabytes = 7;
    public const int MaxFileHashListCapMegabytes = 8;

    public required string Name { get; init; }
    public required string TenantUrl { get; init; }
    public required Secret V2Token { get; init; }
    /// <summary>Only the v1 API updates file hash lists; without it the tenant receives URLs only.</summary>
    public Secret? V1Token { get; init; }
    public required string UrlListName { get; init; }
    public string UrlListType { get; init; } = UrlListTypes.Exact;
    public string? FileHashListName { get; init; }
    public int UrlListCapMegabytes { get; init; } = MaxUrlListCapMegabytes;
    public int FileHashListCapMegabytes { get; init; } = MaxFileHashListCapMegabytes;

    public bool HasV1Token => V1Token is { IsEmpty: false };

    public IReadOnlyList<ValidationError> Validate()
    {
        var rules = new FieldRules();
        rules.Name("name", "Tenant Name", Name);
        rules.ServiceRoot("tenantUrl", "Tenant URL", TenantUrl);
        if (V2Token is null || V2Token.IsEmpty)
            rules.Add("v2Token", "API v2 Token is a required configuration parameter.");
        if (rules.Required("urlListName", "URL List Name", UrlListName))
            rules.ListName("urlListName", "URL List Name", UrlListName);
        rules.Subset("urlListType", "URL List Type", [UrlListType], UrlListTypes.All);
        rules.ListName("fileHashListName", "File Hash List Name", FileHashListName);
        rules.Range("urlListCapMegabytes", "URL List Cap (in MB)", UrlListCapMegabytes, 1, MaxUrlListCapMegabytes);
        rules.Range("fileHashListCapMegabytes", "File Hash List Cap (in MB)", FileHashListCapMegabytes, 1, MaxFileHashListCapMegabytes);
        return rules.Errors;
    }
}
