using System.Globalization;
using System.Text;
using System.Text.Json;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Iocs;

namespace ThreatExchange.Proofpoint.Extraction;

/// <summary>
/// Reads one TAP event (a click or a message) straight off the JSON reader into mentions, tolerating every
/// spelling Proofpoint has been seen to use: <c>threatID</c>/<c>threatId</c>, <c>threatURL</c>/<c>threatUrl</c>,
/// enums in any case, nulls and wrong types where optional data belongs.
/// </summary>
internal sealed class EventInterpreter(IocMerger merger, Action<SkippedRecord> skip)
{
    private readonly List<ThreatEntry> _entries = [];
    private readonly List<PartEntry> _parts = [];
    private readonly List<Mention> _mapped = [];

    public static bool IsClick(string eventType) =>
        eventType is ProofpointEventTypes.ClicksPermitted or ProofpointEventTypes.ClicksBlocked;

    /// <summary>
    /// Reads the record starting at the reader's next token. Returns false, with the reader untouched, when the
    /// buffer does not yet hold the whole record.
    /// </summary>
    public bool TryRead(ref Utf8JsonReader reader, string eventType, int index)
    {
        var record = reader;
        try
        {
            if (!record.Read())
                return false;
            if (record.TokenType != JsonTokenType.StartObject)
            {
                var kind = Describe(record.TokenType);
                if (!record.TrySkip())
                    return false;
                skip(new(eventType, index, $"the record is a JSON {kind}, not an object."));
                reader = record;
                return true;
            }
            var complete = IsClick(eventType) ? TryReadClick(ref record, eventType, index) : TryReadMessage(ref record, eventType, index);
            if (!complete)
            {
                merger.DiscardEvent();
                return false;
            }
        }
        catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException)
        {
            merger.DiscardEvent();
            var whole = reader;
            if (!whole.Read() || !whole.TrySkip())
                return false;
            skip(new(eventType, index, "the record holds text that is not valid UTF-8."));
            reader = whole;
            return true;
        }
        merger.EndEvent(eventType);
        reader = record;
        return true;
    }

    private bool TryReadClick(ref Utf8JsonReader r, string eventType, int index)
    {
        string? url = null, link = null;
        StatusField status = default;
        var classification = Classification.Unknown;
        DateTimeOffset? threatTime = null, clickTime = null;
        while (true)
        {
            if (!r.Read())
                return false;
            if (r.TokenType == JsonTokenType.EndObject)
                break;
            if (r.ValueTextEquals("url"u8)) { if (!ReadString(ref r, out url)) return false; }
            else if (r.ValueTextEquals("threatTime"u8)) { if (!ReadTime(ref r, out threatTime)) return false; }
            else if (r.ValueTextEquals("clickTime"u8)) { if (!ReadTime(ref r, out clickTime)) return false; }
            else if (r.ValueTextEquals("threatStatus"u8)) { if (!ReadStatus(ref r, out status)) return false; }
            else if (r.ValueTextEquals("classification"u8)) { if (!ReadClassification(ref r, out classification)) return false; }
            else if (r.ValueTextEquals("threatURL"u8) || r.ValueTextEquals("threatUrl"u8)) { if (!ReadString(ref r, out link)) return false; }
            else if (!r.Read() || !r.TrySkip()) return false;
        }

        if (string.IsNullOrWhiteSpace(url))
            skip(new(eventType, index, "the click has no url."));
        else if ((threatTime ?? clickTime) is not { } time)
            skip(new(eventType, index, "the click has no usable threatTime or clickTime."));
        else if (status.Invalid is { } invalid)
            skip(new(eventType, index, StatusProblem(invalid)));
        else if (!IocClassifier.TryClassify(url.Trim(), out var value, out var reason))
            skip(new(eventType, index, $"the url '{url}' is not a valid IoC: {reason}"));
        else
            merger.Mention(new Mention(value.Type, value.Value, time, status.Value, classification, link, FromThreatsInfoMap: true));
        return true;
    }

    private readonly record struct ThreatEntry(
        bool IsObject, string? Threat, ThreatKind Kind, string? OtherKind, DateTimeOffset? Time, StatusField Status, Classification Classification, string? Link);

    private enum ThreatKind { Missing, Url, Attachment, MessageText, Other }

    /// <summary>A threatStatus as read: absent means active; text that is no status is kept for the message.</summary>
    private readonly record struct StatusField(ThreatStatus Value, string? Invalid);

    private readonly record struct PartEntry(bool SandboxThreat, string? Md5, string? Sha256);

    private bool TryReadMessage(ref Utf8JsonReader r, string eventType, int index)
    {
        _entries.Clear();
        _parts.Clear();
        DateTimeOffset? messageTime = null;
        while (true)
        {
            if (!r.Read())
                return false;
            if (r.TokenType == JsonTokenType.EndObject)
                break;
            if (r.ValueTextEquals("messageTime"u8)) { if (!ReadTime(ref r, out messageTime)) return false; }
            else if (r.ValueTextEquals("threatsInfoMap"u8)) { if (!ReadArray(ref r, _entries, ReadThreatEntry)) return false; }
            else if (r.ValueTextEquals("messageParts"u8)) { if (!ReadArray(ref r, _parts, ReadPart)) return false; }
            else if (!r.Read() || !r.TrySkip()) return false;
        }

        _mapped.Clear();
        for (var i = 0; i < _entries.Count; i++)
        {
            if (InterpretThreat(_entries[i], messageTime, out var mention, out var problem))
            {
                if (mention is { } found)
                    _mapped.Add(found);
            }
            else
            {
                skip(new(eventType, index, $"threatsInfoMap[{i}]: {problem}"));
            }
        }
        foreach (var mention in _mapped)
            merger.Mention(mention);

        for (var i = 0; i < _parts.Count; i++)
        {
            if (!_parts[i].SandboxThreat)
                continue;
            if (messageTime is not { } time)
                skip(new(eventType, index, $"messageParts[{i}]: the message has no usable messageTime."));
            else
                MentionPartHashes(_parts[i], time);
        }
        return true;
    }

    private delegate bool ItemReader<T>(ref Utf8JsonReader r, out T item);

    /// <summary>Reads an array of objects; null or any other type where an array belongs counts as empty.</summary>
    private static bool ReadArray<T>(ref Utf8JsonReader r, List<T> items, ItemReader<T> readItem)
    {
        if (!r.Read())
            return false;
        if (r.TokenType != JsonTokenType.StartArray)
            return r.TrySkip();
        while (true)
        {
            if (!r.Read())
                return false;
            if (r.TokenType == JsonTokenType.EndArray)
                return true;
            if (!readItem(ref r, out var item))
                return false;
            items.Add(item);
        }
    }

    private static bool ReadThreatEntry(ref Utf8JsonReader r, out ThreatEntry entry)
    {
        entry = default;
        if (r.TokenType != JsonTokenType.StartObject)
            return r.TrySkip();
        string? threat = null, otherKind = null, link = null;
        var kind = ThreatKind.Missing;
        StatusField status = default;
        var classification = Classification.Unknown;
        DateTimeOffset? time = null;
        while (true)
        {
            if (!r.Read())
                return false;
            if (r.TokenType == JsonTokenType.EndObject)
                break;
            if (r.ValueTextEquals("threat"u8)) { if (!ReadString(ref r, out threat)) return false; }
            else if (r.ValueTextEquals("threatType"u8)) { if (!ReadThreatKind(ref r, out kind, out otherKind)) return false; }
            else if (r.ValueTextEquals("threatTime"u8)) { if (!ReadTime(ref r, out time)) return false; }
            else if (r.ValueTextEquals("threatStatus"u8)) { if (!ReadStatus(ref r, out status)) return false; }
            else if (r.ValueTextEquals("classification"u8)) { if (!ReadClassification(ref r, out classification)) return false; }
            else if (r.ValueTextEquals("threatUrl"u8) || r.ValueTextEquals("threatURL"u8)) { if (!ReadString(ref r, out link)) return false; }
            else if (!r.Read() || !r.TrySkip()) return false;
        }
        entry = new ThreatEntry(true, threat, kind, otherKind, time, status, classification, link);
        return true;
    }

    /// <summary>
    /// Most parts are clean; their hashes are read (and allocated) only once a first look at the small
    /// part object has found <c>sandboxStatus: threat</c>, wherever that key stands.
    /// </summary>
    private static bool ReadPart(ref Utf8JsonReader r, out PartEntry part)
    {
        part = default;
        if (r.TokenType != JsonTokenType.StartObject)
            return r.TrySkip();
        var look = r;
        var sandboxThreat = false;
        while (true)
        {
            if (!look.Read())
                return false;
            if (look.TokenType == JsonTokenType.EndObject)
                break;
            var isStatus = look.ValueTextEquals("sandboxStatus"u8);
            if (!look.Read())
                return false;
            if (isStatus && look.TokenType == JsonTokenType.String)
                sandboxThreat = TextEqualsIgnoreCase(ref look, "threat"u8);
            else if (!look.TrySkip())
                return false;
        }
        if (!sandboxThreat)
        {
            r = look;
            return true;
        }

        string? md5 = null, sha256 = null;
        while (true)
        {
            if (!r.Read())
                return false;
            if (r.TokenType == JsonTokenType.EndObject)
                break;
            if (r.ValueTextEquals("md5"u8)) { if (!ReadString(ref r, out md5)) return false; }
            else if (r.ValueTextEquals("sha256"u8)) { if (!ReadString(ref r, out sha256)) return false; }
            else if (!r.Read() || !r.TrySkip()) return false;
        }
        part = new PartEntry(true, md5, sha256);
        return true;
    }

    /// <returns>False when the entry is unusable; true with no mention for a kind that yields none (messageText).</returns>
    private bool InterpretThreat(in ThreatEntry entry, DateTimeOffset? messageTime, out Mention? mention, out string problem)
    {
        mention = null;
        problem = "";
        if (!entry.IsObject)
        {
            problem = "the entry is not an object.";
            return false;
        }
        var threat = entry.Threat?.Trim();
        IocType? hashType = null;
        switch (entry.Kind)
        {
            case ThreatKind.MessageText:
                return true;
            case ThreatKind.Url:
                break;
            case ThreatKind.Attachment:
                hashType = HashType(threat);
                if (hashType is null)
                {
                    problem = $"the attachment threat '{threat}' is neither a SHA-256 nor an MD5.";
                    return false;
                }
                break;
            default:
                problem = $"the threatType '{entry.OtherKind}' is not url, attachment or messageText.";
                return false;
        }
        if (string.IsNullOrEmpty(threat))
        {
            problem = "the entry has no threat.";
            return false;
        }
        if ((entry.Time ?? messageTime) is not { } time)
        {
            problem = "the entry has no usable threatTime and the message no messageTime.";
            return false;
        }
        if (entry.Status.Invalid is { } invalid)
        {
            problem = StatusProblem(invalid);
            return false;
        }

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
        mention = new Mention(value.Type, value.Value, time, entry.Status.Value, entry.Classification, entry.Link, FromThreatsInfoMap: true);
        return true;
    }

    /// <summary>A sandboxed part's hashes take the verdict of the same hash in the message's threat map, else active malware.</summary>
    private void MentionPartHashes(in PartEntry part, DateTimeOffset time)
    {
        MentionPartHash(part.Sha256, IocType.Sha256, time);
        MentionPartHash(part.Md5, IocType.Md5, time);
    }

    private void MentionPartHash(string? raw, IocType type, DateTimeOffset time)
    {
        var hash = raw?.Trim();
        if (HashType(hash) != type)
            return;
        hash = hash!.ToLowerInvariant();
        Mention? verdict = null;
        foreach (var mapped in _mapped)
            if (mapped.Type == type && mapped.Value == hash && (verdict is null || mapped.Time >= verdict.Value.Time))
                verdict = mapped;
        merger.Mention(new Mention(type, hash, time,
            verdict?.Status ?? ThreatStatus.Active,
            verdict?.Classification ?? Classification.Malware,
            verdict?.DashboardLink,
            FromThreatsInfoMap: false));
    }

    private static IocType? HashType(string? text) => text?.Length switch
    {
        64 when text.All(char.IsAsciiHexDigit) => IocType.Sha256,
        32 when text.All(char.IsAsciiHexDigit) => IocType.Md5,
        _ => null,
    };

    private static string StatusProblem(string text) => $"the threatStatus '{text}' is not active, cleared or falsePositive.";

    private static bool ReadStatus(ref Utf8JsonReader r, out StatusField status)
    {
        status = default;
        if (!r.Read())
            return false;
        if (r.TokenType != JsonTokenType.String)
            return r.TrySkip();
        if (TextEqualsIgnoreCase(ref r, "active"u8) || r.ValueSpan.IsEmpty)
            status = new(ThreatStatus.Active, null);
        else if (TextEqualsIgnoreCase(ref r, "cleared"u8))
            status = new(ThreatStatus.Cleared, null);
        else if (TextEqualsIgnoreCase(ref r, "falsepositive"u8))
            status = new(ThreatStatus.FalsePositive, null);
        else
            status = new(ThreatStatus.Active, r.GetString());
        return true;
    }

    private static bool ReadClassification(ref Utf8JsonReader r, out Classification classification)
    {
        classification = Classification.Unknown;
        if (!r.Read())
            return false;
        if (r.TokenType != JsonTokenType.String)
            return r.TrySkip();
        classification =
            TextEqualsIgnoreCase(ref r, "malware"u8) ? Classification.Malware
            : TextEqualsIgnoreCase(ref r, "phish"u8) ? Classification.Phish
            : TextEqualsIgnoreCase(ref r, "spam"u8) ? Classification.Spam
            : TextEqualsIgnoreCase(ref r, "impostor"u8) ? Classification.Impostor
            : TextEqualsIgnoreCase(ref r, "toad"u8) ? Classification.Toad
            : Classification.Unknown;
        return true;
    }

    private static bool ReadThreatKind(ref Utf8JsonReader r, out ThreatKind kind, out string? other)
    {
        kind = ThreatKind.Missing;
        other = null;
        if (!r.Read())
            return false;
        if (r.TokenType != JsonTokenType.String)
            return r.TrySkip();
        kind = TextEqualsIgnoreCase(ref r, "url"u8) ? ThreatKind.Url
            : TextEqualsIgnoreCase(ref r, "attachment"u8) ? ThreatKind.Attachment
            : TextEqualsIgnoreCase(ref r, "messagetext"u8) ? ThreatKind.MessageText
            : ThreatKind.Other;
        if (kind == ThreatKind.Other)
            other = r.GetString();
        return true;
    }

    /// <summary>Reads a property's value as a string; any other JSON type reads as absent.</summary>
    private static bool ReadString(ref Utf8JsonReader r, out string? value)
    {
        value = null;
        if (!r.Read())
            return false;
        if (r.TokenType == JsonTokenType.String)
        {
            value = r.GetString();
            return true;
        }
        return r.TrySkip();
    }

    private static bool ReadTime(ref Utf8JsonReader r, out DateTimeOffset? time)
    {
        time = null;
        if (!r.Read())
            return false;
        if (r.TokenType != JsonTokenType.String)
            return r.TrySkip();
        if (r.TryGetDateTimeOffset(out var exact))
            time = exact.ToUniversalTime();
        else if (DateTimeOffset.TryParse(r.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var lenient))
            time = lenient;
        return true;
    }

    private static bool TextEqualsIgnoreCase(ref Utf8JsonReader r, ReadOnlySpan<byte> expected) =>
        r.ValueIsEscaped
            ? string.Equals(r.GetString(), Encoding.UTF8.GetString(expected), StringComparison.OrdinalIgnoreCase)
            : Ascii.EqualsIgnoreCase(r.ValueSpan, expected);

    internal static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.StartObject => "object",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString().ToLowerInvariant(),
    };
}
