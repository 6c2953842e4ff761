using ThreatExchange.Domain.Iocs;

namespace ThreatExchange.Engine.Sources;

/// <summary>The journal's form of an IoC: plain wire names, so renaming a C# member never changes stored data.</summary>
public sealed record StoredIoc(
    string Value,
    string Type,
    string Status,
    string Classification,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int Sightings,
    IReadOnlyList<string> EventTypes,
    IReadOnlyList<string> Tags,
    string? DashboardLink)
{
    public static StoredIoc From(Ioc ioc) => new(
        ioc.Value, ioc.Type.ToWire(), ioc.Status.ToWire(), ioc.Classification.ToWire(), ioc.FirstSeen, ioc.LastSeen, ioc.Sightings,
        ioc.EventTypes.ToArray(), ioc.Tags.ToArray(), ioc.DashboardLink);

    public ThreatStatus ThreatStatus => WireNames.TryParse<ThreatStatus>(Status, out var status) ? status : ThreatStatus.Active;
}
