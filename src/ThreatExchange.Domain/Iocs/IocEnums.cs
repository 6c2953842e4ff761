namespace ThreatExchange.Domain.Iocs;

public enum IocType { Url, Domain, Fqdn, Ipv4, Ipv6, Md5, Sha256 }

public enum ThreatStatus { Active, Cleared, FalsePositive }

public enum Classification { Malware, Phish, Spam, Impostor, Toad, Unknown }

public enum Severity { Unknown, Low, Medium, High, Critical }

/// <summary>
/// The spellings the wire, the journal and the operator see. Kept apart from the C# names so that
/// renaming an enum member can never silently change what is stored or sent.
/// </summary>
public static class WireNames
{
    private static readonly IReadOnlyDictionary<IocType, string> IocTypes = new Dictionary<IocType, string>
    {
        [IocType.Url] = "url", [IocType.Domain] = "domain", [IocType.Fqdn] = "fqdn",
        [IocType.Ipv4] = "ipv4", [IocType.Ipv6] = "ipv6", [IocType.Md5] = "md5", [IocType.Sha256] = "sha256",
    };

    private static readonly IReadOnlyDictionary<ThreatStatus, string> Statuses = new Dictionary<ThreatStatus, string>
    {
        [ThreatStatus.Active] = "active", [ThreatStatus.Cleared] = "cleared", [ThreatStatus.FalsePositive] = "falsePositive",
    };

    private static readonly IReadOnlyDictionary<Classification, string> Classifications = new Dictionary<Classification, string>
    {
        [Classification.Malware] = "malware", [Classification.Phish] = "phish", [Classification.Spam] = "spam",
        [Classification.Impostor] = "impostor", [Classification.Toad] = "toad", [Classification.Unknown] = "unknown",
    };

    private static readonly IReadOnlyDictionary<Severity, string> Severities = new Dictionary<Severity, string>
    {
        [Severity.Unknown] = "unknown", [Severity.Low] = "low", [Severity.Medium] = "medium",
        [Severity.High] = "high", [Severity.Critical] = "critical",
    };

    public static string ToWire(this IocType value) => IocTypes[value];
    public static string ToWire(this ThreatStatus value) => Statuses[value];
    public static string ToWire(this Classification value) => Classifications[value];
    public static string ToWire(this Severity value) => Severities[value];

    public static IEnumerable<string> All<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Name);

    /// <summary>Parses a wire name in any letter case, as Proofpoint sends <c>MALWARE</c> and <c>Toad</c>.</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static string Name<T>(T value) where T : struct, Enum => value switch
    {
        IocType t => t.ToWire(),
        ThreatStatus s => s.ToWire(),
        Classification c => c.ToWire(),
        Severity s => s.ToWire(),
        _ => throw new ArgumentOutOfRangeException(nameof(value), typeof(T).Name, "No wire names are defined for this type."),
    };
}
