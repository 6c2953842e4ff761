using System.Globalization;
using System.Text.Json;

namespace ThreatExchange.Simulators.Proofpoint;

/// <summary>
/// Writes events the way TAP has been seen to: documented keys mixed with the drift found in real data
/// (<c>threatID</c>/<c>threatId</c>, <c>cluster</c>/<c>clusterId</c>, upper-case enums, strings for
/// booleans, floats for scores, nulls for optional parts).
/// </summary>
public static class TapEventWriter
{
    public static void WriteEvent(Utf8JsonWriter json, SimEvent e, IReadOnlyCollection<string> statuses)
    {
        var v = new Variant(e.Variant);
        if (e.IsClick)
            WriteClick(json, e, e.Threats[0], v);
        else
            WriteMessage(json, e, e.Threats.Where(t => statuses.Contains(t.Status)).ToList(), v);
    }

    /// <summary>Whether the event has anything left once threats of unrequested statuses are left out.</summary>
    public static bool IsVisibleFor(SimEvent e, IReadOnlyCollection<string> statuses) => e.Threats.Any(t => statuses.Contains(t.Status));

    private static void WriteClick(Utf8JsonWriter json, SimEvent e, SimThreat threat, Variant v)
    {
        json.WriteStartObject();
        json.WriteString(v.Flag(0) ? "campaignId" : "campaignID", CampaignId(threat));
        json.WriteString("classification", v.Case(1, threat.Classification));
        json.WriteString("clickIP", "192.0.2.10");
        json.WriteString("clickTime", Time(e.Time));
        json.WriteString("GUID", e.Guid);
        json.WriteString("id", e.Guid + "-c");
        json.WriteString("messageID", $"<{e.Guid}@mail.pharmtech.zz>");
        json.WriteString("recipient", e.Recipient);
        json.WriteString("sender", v.Flag(2) ? "" : "9facbf452def2d7efc5b5c48cdb837fa@badguy.zz");
        json.WriteString("senderIP", "192.0.2.255");
        json.WriteString(v.Flag(3) ? "threatId" : "threatID", threat.ThreatId);
        if (!v.Flag(4))
            json.WriteString("threatTime", Time(e.Time));
        json.WriteString("threatStatus", StatusText(threat.Status, v));
        json.WriteString("threatURL", Dashboard(threat));
        json.WriteString("url", threat.WireValue);
        json.WriteString("userAgent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)");
        json.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter json, SimEvent e, IReadOnlyList<SimThreat> threats, Variant v)
    {
        json.WriteStartObject();
        json.WriteString("GUID", e.Guid);
        if (v.Flag(0)) json.WriteNull("QID"); else json.WriteString("QID", "r2FNwRHF004109");
        if (v.Flag(1)) json.WriteString("cluster", "pharmtech_hosted"); else json.WriteString("clusterId", "pharmtech_hosted");
        switch (v.Pick(2, 3))
        {
            case 0: json.WriteString("completelyRewritten", "true"); break;
            case 1: json.WriteString("completelyRewritten", "na"); break;
            default: json.WriteBoolean("completelyRewritten", true); break;
        }
        switch (v.Pick(3, 3))
        {
            case 0:
                json.WriteStartArray("fromAddress"); json.WriteStringValue("badguy@evil.zz"); json.WriteEndArray();
                break;
            case 1:
                json.WriteNull("fromAddress");
                break;
            default:
                json.WriteString("fromAddress", "badguy@evil.zz");
                break;
        }
        json.WriteString("headerFrom", "\"A. Badguy\" <badguy@evil.zz>");
        json.WriteString("id", e.Guid + "-m");
        if (v.Flag(4)) json.WriteNumber("impostorScore", 0.0); else json.WriteNumber("impostorScore", 0);
        json.WriteNumber("malwareScore", 100);
        json.WriteString("messageID", $"<{e.Guid}@mail.evil.zz>");
        json.WriteString("messageTime", Time(e.Time));
        json.WriteNumber("messageSize", 4_096 + v.Pick(5, 50_000));
        json.WriteStartArray("modulesRun"); json.WriteStringValue("spam"); json.WriteStringValue("urldefense"); json.WriteStringValue("sandbox"); json.WriteEndArray();
        json.WriteNumber("phishScore", 46);
        json.WriteStartArray("policyRoutes"); json.WriteStringValue("default_inbound"); json.WriteEndArray();
        json.WriteString("quarantineFolder", e.EventType == "messagesBlocked" ? "Attachment Defense" : "");
        json.WriteString("quarantineRule", "module.sandbox.threat");
        json.WriteStartArray("recipient"); json.WriteStringValue(e.Recipient); json.WriteEndArray();
        json.WriteString("sender", v.Flag(6) ? "" : "e99d7ed5580193f36a51f597bc2c0210@evil.zz");
        json.WriteString("senderIP", "192.0.2.255");
        if (v.Flag(7)) json.WriteNumber("spamScore", 4.0); else json.WriteNumber("spamScore", 4);
        json.WriteString("subject", "Please find a totally safe invoice attached.");
        json.WriteStartArray("toAddresses"); json.WriteStringValue(e.Recipient); json.WriteEndArray();

        json.WriteStartArray("threatsInfoMap");
        foreach (var (threat, i) in threats.Select((t, i) => (t, i)))
        {
            json.WriteStartObject();
            if (!v.Flag(8 + i)) json.WriteString("campaignId", CampaignId(threat)); else json.WriteNull("campaignID");
            json.WriteString("classification", v.Case(11 + i, threat.Classification));
            json.WriteString("threat", threat.WireValue);
            json.WriteString(v.Flag(14 + i) ? "threatId" : "threatID", threat.ThreatId);
            json.WriteString("threatStatus", StatusText(threat.Status, v));
            if (!v.Flag(17 + i))
                json.WriteString("threatTime", Time(e.Time));
            json.WriteString("threatType", v.Case(20 + i, threat.Kind == "invalid" ? "url" : threat.Kind));
            json.WriteString("threatUrl", Dashboard(threat));
            json.WriteEndObject();
        }
        json.WriteEndArray();

        var attachments = threats.Where(t => t.PartMd5 is not null).ToList();
        if (attachments.Count == 0 && v.Flag(23))
        {
            json.WriteNull("messageParts");
        }
        else
        {
            json.WriteStartArray("messageParts");
            json.WriteStartObject();
            json.WriteString("contentType", "text/plain");
            json.WriteString("disposition", "inline");
            json.WriteString("filename", "text.txt");
            json.WriteString("md5", "008c5926ca861023c1d2a36653fd88e2");
            json.WriteString("oContentType", "text/plain");
            json.WriteString("sandboxStatus", "unsupported");
            json.WriteString("sha256", "85738f8f9a7f1b04b5329c590ebcb9e425925c6d0984089c43a022de4f19c281");
            json.WriteEndObject();
            foreach (var attachment in attachments)
            {
                json.WriteStartObject();
                json.WriteString("contentType", "application/pdf");
                json.WriteString("disposition", "attached");
                json.WriteString("filename", "invoice.pdf");
                json.WriteString("md5", attachment.PartMd5);
                json.WriteString("oContentType", "application/pdf");
                json.WriteString("sandboxStatus", v.Flag(24) ? "THREAT" : "threat");
                json.WriteString("sha256", attachment.Canonical);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static string StatusText(string status, Variant v) =>
        status == "falsePositive" && v.Flag(25) ? "falsepositive" : status;

    private static string CampaignId(SimThreat threat) => $"{threat.ThreatId[..8]}-c899-404d-bcd9-189bb393d1a7";

    private static string Dashboard(SimThreat threat) =>
        $"https://threatinsight.proofpoint.com/#/73aa0499-dfc8-75eb-1de8-a471b24a2e75/threat/u/{threat.ThreatId}";

    private static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Independent yes/no and small choices drawn from one number per event.</summary>
    private readonly struct Variant(int bits)
    {
        public bool Flag(int n) => (StableHash.Of(bits, n) & 3) == 0;

        public int Pick(int n, int choices) => (int)(StableHash.Of(bits, n, 7) % (uint)choices);

        public string Case(int n, string text) => Pick(n, 4) switch
        {
            0 => text.ToUpperInvariant(),
            1 => char.ToUpperInvariant(text[0]) + text[1..],
            _ => text,
        };
    }
}
