namespace ThreatExchange.Simulators.Proofpoint;

/// <summary>What a threat looks like on the wire, and what a correct reader must make of it.</summary>
/// <param name="Kind">url, attachment, messageText, or invalid (a placeholder like Rapid7's "Example Threat").</param>
/// <param name="Canonical">The normalized IoC value; null when the threat yields none.</param>
public sealed record SimThreat(
    string Kind,
    string WireValue,
    string? Canonical,
    string? IocType,
    string Status,
    string Classification,
    string ThreatId,
    string? PartMd5);

public sealed record SimEvent(
    string EventType,
    DateTimeOffset Time,
    TimeSpan IndexDelay,
    string Guid,
    string Recipient,
    IReadOnlyList<SimThreat> Threats,
    int Variant)
{
    public DateTimeOffset VisibleAt => Time + IndexDelay;

    public bool IsClick => EventType.StartsWith("clicks", StringComparison.Ordinal);
}

public sealed record TruthIoc(
    string Value,
    string Type,
    string ThreatStatus,
    string Classification,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Sightings);
