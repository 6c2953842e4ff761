using System.Collections.Immutable;

namespace ThreatExchange.Domain.Iocs;

/// <summary>
/// One indicator of compromise as Cloud Exchange stores it: one record per normalized value.
/// </summary>
public sealed record Ioc
{
    public const int DefaultReputation = 5;

    public required string Value { get; init; }
    public required IocType Type { get; init; }
    public ThreatStatus Status { get; init; } = ThreatStatus.Active;
    public Classification Classification { get; init; } = Classification.Unknown;
    public Severity Severity { get; init; } = Severity.Unknown;
    public int Reputation { get; init; } = DefaultReputation;
    public required DateTimeOffset FirstSeen { get; init; }
    public required DateTimeOffset LastSeen { get; init; }
    public int Sightings { get; init; } = 1;
    public IReadOnlySet<string> EventTypes { get; init; } = ImmutableSortedSet<string>.Empty;
    public IReadOnlySet<string> Tags { get; init; } = ImmutableSortedSet<string>.Empty;
    /// <summary>The TAP dashboard page of the threat; kept as text because it is carried, never fetched.</summary>
    public string? DashboardLink { get; init; }

    /// <summary>Checks the invariants a record must hold before it is stored or shared.</summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (!IocClassifier.TryClassify(Value, out var classified, out var reason))
            errors.Add(new("value", $"Value is not a valid IoC: {reason}"));
        else if (classified.Type != Type || classified.Value != Value)
            errors.Add(new("value", $"Value must be stored normalized as {classified.Type.ToWire()} '{classified.Value}'."));
        if (Reputation is < 1 or > 10)
            errors.Add(new("reputation", "Reputation must be an integer in range 1 to 10."));
        if (FirstSeen.Offset != TimeSpan.Zero || LastSeen.Offset != TimeSpan.Zero)
            errors.Add(new("firstSeen", "First Seen and Last Seen must be in UTC."));
        if (LastSeen < FirstSeen)
            errors.Add(new("lastSeen", "Last Seen must not be before First Seen."));
        if (Sightings < 1)
            errors.Add(new("sightings", "Sightings must be at least 1."));
        if (DashboardLink is not null && !IsWebLink(DashboardLink))
            errors.Add(new("dashboardLink", "Dashboard Link must be an absolute http or https URL."));
        return errors;
    }

    public static bool IsWebLink(string link) =>
        Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
