using ThreatExchange.Domain.Iocs;

namespace ThreatExchange.Domain.Configuration;

public static class SharingActions
{
    public const string UrlList = "url-list";
    public const string FileHashList = "file-hash-list";
    public static readonly IReadOnlyList<string> All = [UrlList, FileHashList];

    /// <summary>Which IoC types each action can carry: Netskope URL lists take hosts and URLs, file profiles take hashes.</summary>
    public static IReadOnlySet<IocType> Carries(string action) => action switch
    {
        UrlList => new HashSet<IocType> { IocType.Url, IocType.Domain, IocType.Fqdn, IocType.Ipv4, IocType.Ipv6 },
        FileHashList => new HashSet<IocType> { IocType.Md5, IocType.Sha256 },
        _ => new HashSet<IocType>(),
    };
}

/// <summary>What the rest of the configuration looks like, for the rules that reach across kinds.</summary>
public sealed record SharingContext(
    IReadOnlyCollection<string> SourceNames,
    IReadOnlyCollection<TenantConfiguration> Tenants,
    IReadOnlyCollection<SharingRule> OtherRules);

/// <summary>Which IoCs of one source go to which lists of one tenant.</summary>
public sealed record SharingRule
{
    public const int DefaultMaxAgeDays = 90;

    public required string Name { get; init; }
    public required string Source { get; init; }
    public required string Tenant { get; init; }
    /// <summary>Empty means every type the actions can carry.</summary>
    public IReadOnlyList<string> IocTypes { get; init; } = [];
    public IReadOnlyList<string> Statuses { get; init; } = [ThreatStatus.Active.ToWire()];
    /// <summary>Empty means every classification.</summary>
    public IReadOnlyList<string> Classifications { get; init; } = [];
    public IReadOnlyList<string> Actions { get; init; } = SharingActions.All;
    public int MaxAgeDays { get; init; } = DefaultMaxAgeDays;

    public IReadOnlyList<ValidationError> Validate(SharingContext context)
    {
        var rules = new FieldRules();
        rules.Name("name", "Sharing Rule Name", Name);
        if (rules.Required("source", "Plugin Configuration", Source) && !context.SourceNames.Contains(Source, StringComparer.Ordinal))
            rules.Add("source", $"Plugin Configuration '{Source}' does not exist.");

        TenantConfiguration? tenant = null;
        if (rules.Required("tenant", "Plugin Configuration to Share", Tenant))
        {
            tenant = context.Tenants.FirstOrDefault(t => t.Name == Tenant);
            if (tenant is null && context.SourceNames.Contains(Tenant, StringComparer.Ordinal))
                rules.Add("tenant", "Sharing IoCs to Proofpoint is not supported.");
            else if (tenant is null)
                rules.Add("tenant", $"Plugin Configuration to Share '{Tenant}' does not exist.");
        }

        rules.Subset("iocTypes", "IoC Types", IocTypes, WireNames.All<IocType>().ToArray());
        if (Statuses.Count == 0)
            rules.Add("statuses", "Threat Status(es) must name at least one of active, cleared, falsePositive.");
        rules.Subset("statuses", "Threat Status(es)", Statuses, WireNames.All<ThreatStatus>().ToArray());
        rules.Subset("classifications", "Classifications", Classifications, WireNames.All<Classification>().ToArray());
        if (Actions.Count == 0)
            rules.Add("actions", $"Actions must name at least one of {string.Join(", ", SharingActions.All)}.");
        rules.Subset("actions", "Actions", Actions, SharingActions.All);
        rules.Range("maxAgeDays", "Maximum Age (in days)", MaxAgeDays, 1, 365);

        foreach (var action in Actions.Where(SharingActions.All.Contains).Distinct())
        {
            if (!CarriesAnySelectedType(action))
                rules.Add("iocTypes", $"IoC Types select no type that the {action} action can share.");
            if (tenant is not null)
                CheckDestination(rules, action, tenant, context.OtherRules);
        }
        return rules.Errors;
    }

    private bool CarriesAnySelectedType(string action) =>
        IocTypes.Count == 0 || IocTypes.Any(t => WireNames.TryParse<IocType>(t, out var type) && SharingActions.Carries(action).Contains(type));

    private void CheckDestination(FieldRules rules, string action, TenantConfiguration tenant, IEnumerable<SharingRule> otherRules)
    {
        if (action == SharingActions.FileHashList)
        {
            if (!tenant.HasV1Token)
                rules.Add("actions", "A V1 token is required to share file hashes.");
            if (string.IsNullOrWhiteSpace(tenant.FileHashListName))
                rules.Add("actions", $"Tenant '{tenant.Name}' has no File Hash List Name to share file hashes to.");
        }
        var rival = otherRules.FirstOrDefault(r => r.Name != Name && r.Tenant == Tenant && r.Actions.Contains(action));
        if (rival is not null)
        {
            var list = action == SharingActions.UrlList ? $"URL list '{tenant.UrlListName}'" : $"file hash list '{tenant.FileHashListName}'";
            rules.Add("actions", $"The {list} of tenant '{tenant.Name}' is already the target of sharing rule '{rival.Name}'.");
        }
    }
}
