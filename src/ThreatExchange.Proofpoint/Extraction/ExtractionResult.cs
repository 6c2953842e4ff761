using ThreatExchange.Domain.Iocs;

namespace ThreatExchange.Proofpoint.Extraction;

/// <summary>A record, or one threat entry of a message, that gave no IoC; the rest of the response is kept.</summary>
/// <param name="Index">Position of the record in its event-type array.</param>
public sealed record SkippedRecord(string EventType, int Index, string Reason)
{
    public override string ToString() => $"{EventType}[{Index}]: {Reason}";
}

/// <param name="Iocs">Merged by (type, value), sorted by type then value.</param>
/// <param name="Events">Records read across the event-type arrays, usable or not.</param>
/// <param name="SkippedCount">Every skip, even when <paramref name="Skipped"/> keeps only the first ones.</param>
public sealed record ExtractionResult(
    IReadOnlyList<Ioc> Iocs,
    int Events,
    int SkippedCount,
    IReadOnlyList<SkippedRecord> Skipped,
    DateTimeOffset? QueryEndTime);

/// <summary>The response is not a JSON object, or breaks off or turns invalid part-way: the window must be read again.</summary>
public sealed class MalformedResponseException(string message, Exception? inner = null) : Exception(message, inner);
