using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ThreatExchange.Domain.Iocs;

namespace ThreatExchange.Netskope;

/// <summary>An IoC left out of a list, and why; shown in the audit log rather than lost in silence.</summary>
public sealed record NotShared(Ioc Ioc, string Reason);

/// <param name="Bodies">The values of each request, in order; together they fit the list's cap.</param>
public sealed record UrlListPlan(IReadOnlyList<IReadOnlyList<string>> Bodies, IReadOnlyList<NotShared> NotShared)
{
    public int ValueCount => Bodies.Sum(b => b.Count);
}

public sealed record FileHashListPlan(IReadOnlyList<string> Hashes, IReadOnlyList<NotShared> NotShared);

/// <summary>
/// Splits IoCs into Netskope request bodies within the caps: a URL list holds at most its cap of data
/// (measured as the JSON bytes sent), one push carries at most 300,000 values, and a file hash list is
/// one body of at most its cap. Over a cap the most recently seen IoCs stay; the rest are reported.
/// </summary>
public static class BatchPlanner
{
    public const int MaxValuesPerPush = 300_000;
    public const int Megabyte = 1024 * 1024;

    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>The bytes of <c>{"data":{"urls":[],"type":"exact"}}</c> around the values.</summary>
    public static int UrlBodyOverhead(string listType) => Encoding.UTF8.GetByteCount("{\"data\":{\"urls\":[],\"type\":\"" + listType + "\"}}");

    /// <summary>A value's share of a body: its encoded JSON string plus the comma before the next.</summary>
    public static int EncodedSize(string value) => JsonEncodedText.Encode(value, Encoder).EncodedUtf8Bytes.Length + 3;

    /// <param name="capBytes">The list's cap.</param>
    /// <param name="bytesAlreadyHeld">Data the list holds before these additions.</param>
    public static UrlListPlan PlanUrlList(IEnumerable<Ioc> iocs, string listType, long capBytes, long bytesAlreadyHeld = 0, int maxValuesPerPush = MaxValuesPerPush)
    {
        var overhead = UrlBodyOverhead(listType);
        var room = capBytes - bytesAlreadyHeld - overhead;
        var bodies = new List<IReadOnlyList<string>>();
        var notShared = new List<NotShared>();
        var current = new List<string>();
        var capText = $"{capBytes / (double)Megabyte:0.##} MB";

        foreach (var ioc in MostRecentFirst(iocs))
        {
            var size = EncodedSize(ioc.Value);
            if (size > room)
            {
                notShared.Add(new NotShared(ioc, $"The URL list is full: its cap of {capText} is reached."));
                continue;
            }
            room -= size;
            current.Add(ioc.Value);
            if (current.Count == maxValuesPerPush)
            {
                bodies.Add(current);
                current = [];
            }
        }
        if (current.Count > 0)
            bodies.Add(current);
        return new UrlListPlan(bodies, notShared);
    }

    /// <summary>The whole list in one body, as the v1 API replaces it with each call.</summary>
    public static FileHashListPlan PlanFileHashList(IEnumerable<Ioc> iocs, long capBytes)
    {
        var hashes = new List<string>();
        var notShared = new List<NotShared>();
        // The body is {"name":..,"list":"h1,h2",..}: each hash costs its length plus a comma.
        var room = capBytes;
        var capText = $"{capBytes / (double)Megabyte:0.##} MB";
        foreach (var ioc in MostRecentFirst(iocs))
        {
            var size = ioc.Value.Length + 1;
            if (size > room)
            {
                notShared.Add(new NotShared(ioc, $"The file hash list is full: its cap of {capText} is reached."));
                continue;
            }
            room -= size;
            hashes.Add(ioc.Value);
        }
        return new FileHashListPlan(hashes, notShared);
    }

    private static IEnumerable<Ioc> MostRecentFirst(IEnumerable<Ioc> iocs) =>
        iocs.OrderByDescending(i => i.LastSeen).ThenBy(i => i.Value, StringComparer.Ordinal);
}
