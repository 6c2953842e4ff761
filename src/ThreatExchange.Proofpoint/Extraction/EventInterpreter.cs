using System.Globalization;
using System.Text;
using System.Text.Json;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Iocs;

namespace ThreatExchange.Proofpoint.Extraction;

/// <summary>
/// Reads one TAP event (a click or a message) into mentions, tolerating every spelling Proofpoint has been
/// seen to use: <c>threatID</c>/<c>threatId</c>, <c>threatURL</c>/<c>threatUrl</c>, enums in any case, nulls.
/// </summary>
internal sealed class EventInterpreter(IocMerger merger, Action<SkippedRecord> skip)
{
    public static bool IsClick(string eventType) =>
        eventType is ProofpointEventTypes.ClicksPermitted or ProofpointEventTypes.ClicksBlocked;

    public void Interpret(string eventType, int index, JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            skip(new(eventType, index, $"the record is a JSON {record.ValueKind.ToString().ToLowerInvariant()}, not an object."));
            return;
        }
        try
        {
            if (IsClick(eventType))
                InterpretClick(eventType, index, record);
            else
                InterpretMessage(eventType, index, record);
        }
        catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException)
        {
            merger.DiscardEvent();
            skip(new(eventType, index, "the record holds text that is not valid UTF-8."));
            return;
        }
        merger.EndEvent(eventType);
    }

    private void InterpretClick(string eventType, int index, JsonElement click)
    {
        var url = String(click, "url");
        if (string.IsNullOrWhiteSpace(url))
        {
            skip(new(eventType, index, "the click has no url."));
            return;
        }
        if ((Time(click, "threatTime") ?? Time(click, "clickTime")) is not { } time)
        {
            skip(new(eventType, index, "the click has no usable threatTime or clickTime."));
            return;
        }
        if (!TryStatus(click, out var status, out var statusProblem))
        {
            skip(new(eventType, index, statusProblem));
            return;
        }
        if (!IocClassifier.TryClassify(url.Trim(), out var value, out var reason))
        {
            skip(new(eventType, index, $"the url '{url}' is not a valid IoC: {reason}"));
            return;
        }
        merger.Mention(new Mention(value.Type, value.Value, time, status, ClassificationOf(click), DashboardLink(click), FromThreatsInfoMap: true));
    }

    private void InterpretMessage(string eventType, int index, JsonElement message)
    {
        var messageTime = Time(message, "messageTime");
        var mapped = new List<Mention>();
        if (message.TryGetProperty("threatsInfoMap", out var threats) && threats.ValueKind == JsonValueKind.Array)
        {
            var entryIndex = 0;
            foreach (var entry in threats.EnumerateArray())
            {
                if (InterpretThreat(entry, messageTime, out var mention, out var problem))
                {
                    if (mention is { } found)
                        mapped.Add(found);
                }
                else
                {
                    skip(new(eventType, index, $"threatsInfoMap[{entryIndex}]: {problem}"));
                }
                entryIndex++;
            }
        }
        foreach (var mention in mapped)
            merger.Mention(mention);

        if (!message.TryGetProperty("messageParts", out var parts) || parts.ValueKind != JsonValueKind.Array)
            return;
        var partIndex = 0;
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object
                && string.Equals(String(part, "sandboxStatus"), "threat", StringComparison.OrdinalIgnoreCase))
            {
                if (messageTime is not { } time)
                    skip(new(eventType, index, $"messageParts[{partIndex}]: the message has no usable messageTime."));
                else
                    MentionPartHashes(part, time, mapped);
            }
            partIndex++;
        }
    }

    /// <returns>False when the entry is unusable; true with no mention for a kind that yields none (messageText).</returns>
    private static bool InterpretThreat(JsonElement entry, DateTimeOffset? messageTime, out Mention? mention, out string problem)
    {
        mention = null;
        problem = "";
        if (entry.ValueKind != JsonValueKind.Object)
        {
            problem = "the entry is not an object.";
            return false;
        }
        var threatType = String(entry, "threatType");
        var threat = String(entry, "threat")?.Trim();
        IocType? hashType = null;
        switch (threatType?.ToLowerInvariant())
        {
            case "messagetext":
                return true;
            case "url":
                break;
            case "attachment":
                hashType = HashType(threat);
                if (hashType is null)
                {
                    problem = $"the attachment threat '{threat}' is neither a SHA-256 nor an MD5.";
                    return false;
                }
                break;
            default:
                problem = $"the threatType '{threatType}' is not url, attachment or messageText.";
                return false;
        }
        if (string.IsNullOrEmpty(threat))
        {
            problem = "the entry has no threat.";
            return false;
        }
        if ((Time(entry, "threatTime") ?? messageTime) is not { } time)
        {
            problem = "the entry has no usable threatTime and the message no messageTime.";
            return false;
        }
        if (!TryStatus(entry, out var status, out problem))
            return false;

        ClassifiedValue value;
        if (hashType is { } type)
        {
            value = new ClassifiedValue(type, threat.ToLowerInvariant());
        }
        else if (!IocClassifier.TryClassify(threat, out value, out var reason))
        {
            problem = $"the threat '{threat}' is not a valid IoC: {reason}";
            return false;
        }
        mention = new Mention(value.Type, value.Value, time, status, ClassificationOf(entry), DashboardLink(entry), FromThreatsInfoMap: true);
        return true;
    }

    /// <summary>A sandboxed part's hashes take the verdict of the same hash in the message's threat map, else active malware.</summary>
    private void MentionPartHashes(JsonElement part, DateTimeOffset time, List<Mention> mapped)
    {
        foreach (var (property, type) in new[] { ("sha256", IocType.Sha256), ("md5", IocType.Md5) })
        {
            var hash = String(part, property)?.Trim().ToLowerInvariant();
            if (HashType(hash) != type)
                continue;
            var verdict = mapped.Where(m => m.Type == type && m.Value == hash).OrderBy(m => m.Time).LastOrDefault();
            var known = verdict.Value is not null;
            merger.Mention(new Mention(type, hash!, time,
                known ? verdict.Status : ThreatStatus.Active,
                known ? verdict.Classification : Classification.Malware,
                known ? verdict.DashboardLink : null,
                FromThreatsInfoMap: false));
        }
    }

    private static IocType? HashType(string? text) => text?.Length switch
    {
        64 when text.All(char.IsAsciiHexDigit) => IocType.Sha256,
        32 when text.All(char.IsAsciiHexDigit) => IocType.Md5,
        _ => null,
    };

    private static bool TryStatus(JsonElement element, out ThreatStatus status, out string problem)
    {
        problem = "";
        var text = String(element, "threatStatus");
        if (string.IsNullOrEmpty(text))
        {
            status = ThreatStatus.Active;
            return true;
        }
        if (WireNames.TryParse(text, out status))
            return true;
        problem = $"the threatStatus '{text}' is not active, cleared or falsePositive.";
        return false;
    }

    private static Classification ClassificationOf(JsonElement element) =>
        WireNames.TryParse<Classification>(String(element, "classification"), out var classification) ? classification : Classification.Unknown;

    private static Uri? DashboardLink(JsonElement element) =>
        (String(element, "threatUrl") ?? String(element, "threatURL")) is { } text
        && Uri.TryCreate(text, UriKind.Absolute, out var link) && Ioc.IsWebLink(link)
            ? link
            : null;

    private static DateTimeOffset? Time(JsonElement element, string property) =>
        String(element, property) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
