using System.Security.Cryptography;
using System.Text;

namespace ThreatExchange.Simulators.Proofpoint;

/// <summary>
/// Deterministic TAP traffic: the same seed gives the same events at the same times, hour by hour, for any
/// hour asked. Threats recur over neighbouring hours (so IoCs gather sightings), some later turn
/// falsePositive or cleared, and some events are indexed late.
/// </summary>
public sealed class TapDataGenerator(int seed, int eventsPerHour, TimeSpan maxIndexDelay)
{
    private static readonly string[] EventTypes = ["messagesDelivered", "messagesBlocked", "clicksPermitted", "clicksBlocked"];
    private static readonly string[] Classifications = ["malware", "phish", "spam", "impostor", "toad"];

    /// <summary>A threat keeps its verdict for this long after its home hour, then may be revised.</summary>
    private static readonly TimeSpan VerdictRevisionDelay = TimeSpan.FromMinutes(90);

    private readonly Dictionary<long, IReadOnlyList<SimEvent>> _hours = [];
    private readonly Lock _lock = new();

    public IEnumerable<SimEvent> EventsBetween(DateTimeOffset from, DateTimeOffset to)
    {
        for (var hour = HourIndex(from); hour <= HourIndex(to); hour++)
            foreach (var e in EventsInHour(hour))
                if (e.Time >= from && e.Time < to)
                    yield return e;
    }

    public IReadOnlyList<TruthIoc> Truth(DateTimeOffset from, DateTimeOffset to)
    {
        var truth = new Dictionary<(string, string), TruthIoc>();
        foreach (var e in EventsBetween(from, to))
        {
            foreach (var (value, type, status, classification) in Mentions(e).Distinct())
            {
                if (truth.TryGetValue((type, value), out var held))
                {
                    var later = e.Time >= held.LastSeen;
                    truth[(type, value)] = held with
                    {
                        Sightings = held.Sightings + 1,
                        FirstSeen = e.Time < held.FirstSeen ? e.Time : held.FirstSeen,
                        LastSeen = later ? e.Time : held.LastSeen,
                        ThreatStatus = later ? status : held.ThreatStatus,
                        Classification = later ? classification : held.Classification,
                    };
                }
                else
                {
                    truth[(type, value)] = new TruthIoc(value, type, status, classification, e.Time, e.Time, 1);
                }
            }
        }
        return truth.Values.OrderBy(t => t.Type, StringComparer.Ordinal).ThenBy(t => t.Value, StringComparer.Ordinal).ToList();
    }

    /// <summary>The IoCs an event carries: its valid threats, and an attachment part's MD5 (active malware, as no threat entry names it).</summary>
    private static IEnumerable<(string Value, string Type, string Status, string Classification)> Mentions(SimEvent e)
    {
        foreach (var threat in e.Threats)
        {
            if (threat.Canonical is null || threat.IocType is null)
                continue;
            yield return (threat.Canonical, threat.IocType, threat.Status, threat.Classification);
            if (threat.PartMd5 is not null)
                yield return (threat.PartMd5, "md5", "active", "malware");
        }
    }

    public IReadOnlyList<SimEvent> EventsInHour(long hour)
    {
        lock (_lock)
        {
            if (_hours.TryGetValue(hour, out var cached))
                return cached;
            var events = Generate(hour);
            if (_hours.Count > 512)
                _hours.Clear();
            _hours[hour] = events;
            return events;
        }
    }

    private List<SimEvent> Generate(long hour)
    {
        var random = new Random(StableHash.Seed(seed, hour));
        var hourStart = DateTimeOffset.UnixEpoch.AddHours(hour);
        var events = new List<SimEvent>(eventsPerHour + eventsPerHour / 4);
        for (var i = 0; i < eventsPerHour; i++)
        {
            var time = hourStart.AddMilliseconds(random.NextInt64(0, 3_600_000));
            var eventType = EventTypes[random.Next(100) switch { < 35 => 0, < 60 => 1, < 80 => 2, _ => 3 }];
            var delay = random.Next(100) < 30
                ? TimeSpan.FromMilliseconds(random.NextInt64(0, (long)maxIndexDelay.TotalMilliseconds + 1))
                : TimeSpan.FromMilliseconds(random.Next(0, 60_000));
            var guidBytes = new byte[16];
            random.NextBytes(guidBytes);
            var guid = new Guid(guidBytes).ToString("N")[..30];
            var threats = eventType.StartsWith("clicks", StringComparison.Ordinal)
                ? [Threat(random, hour, time, "url")]
                : MessageThreats(random, hour, time);
            var variant = random.Next();
            var recipients = !eventType.StartsWith("clicks", StringComparison.Ordinal) && random.Next(100) < 15 ? 2 : 1;
            for (var r = 0; r < recipients; r++)
                events.Add(new SimEvent(eventType, time, delay, guid, $"user{random.Next(500)}@pharmtech.zz", threats, variant + r));
        }
        events.Sort((a, b) => a.Time.CompareTo(b.Time));
        return events;
    }

    private List<SimThreat> MessageThreats(Random random, long hour, DateTimeOffset time)
    {
        var count = random.Next(100) switch { < 60 => 1, < 90 => 2, _ => 3 };
        var threats = new List<SimThreat>(count + 1);
        for (var i = 0; i < count; i++)
        {
            var kind = random.Next(100) switch { < 60 => "url", < 90 => "attachment", < 96 => "messageText", _ => "invalid" };
            threats.Add(Threat(random, hour, time, kind));
        }
        return threats.DistinctBy(t => t.ThreatId).ToList();
    }

    private SimThreat Threat(Random random, long hour, DateTimeOffset time, string kind)
    {
        // Threat numbers centre on this hour and reach into the two before, so values recur across hours.
        var k = hour * eventsPerHour + random.NextInt64(-2L * eventsPerHour, eventsPerHour / 2 + 1);
        var classification = Classifications[(int)(Math.Abs(k) % Classifications.Length)];
        var status = StatusAt(k, time);
        var id = Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:threat:{k}")));
        switch (kind)
        {
            case "attachment":
            {
                var sha256 = Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:file:{k}")));
                var md5 = Hex(MD5.HashData(Encoding.UTF8.GetBytes($"{seed}:file:{k}")));
                return new SimThreat(kind, sha256, sha256, "sha256", status, "malware", id, md5);
            }
            case "messageText":
                return new SimThreat(kind, "Message text matched a known campaign", null, null, status, classification, id, null);
            case "invalid":
                return new SimThreat(kind, "Example Threat", null, null, status, classification, id, null);
            default:
                var (wire, canonical, type) = UrlShape(random, k);
                return new SimThreat("url", wire, canonical, type, status, classification, id, null);
        }
    }

    /// <summary>The forms URL threats take in TAP data, each with the value a correct normalizer gives.</summary>
    private static (string Wire, string Canonical, string Type) UrlShape(Random random, long k)
    {
        var n = Math.Abs(k);
        switch (n % 6)
        {
            case 0:
            case 1:
            {
                var canonical = $"http://evil{n}.bad{n % 97}.zz/p/{n % 13}/login.php?id={n}";
                var wire = random.Next(4) == 0 ? $"http://EVIL{n}.Bad{n % 97}.ZZ:80/p/{n % 13}/login.php?id={n}#top" : canonical;
                return (wire, canonical, "url");
            }
            case 2:
                return ($"https://cdn{n % 5}.files{n}.zz/dl/{n}.exe", $"https://cdn{n % 5}.files{n}.zz/dl/{n}.exe", "url");
            case 3:
                return ($"bad{n}.zz", $"bad{n}.zz", "domain");
            case 4:
                return ($"login.secure{n}.zz", $"login.secure{n}.zz", "fqdn");
            default:
                var ip = $"203.{n / 65536 % 256}.{n / 256 % 256}.{n % 256}";
                return ($"http://{ip}/payload/{n % 7}", $"http://{ip}/payload/{n % 7}", "url");
        }
    }

    /// <summary>One threat in twenty is later judged a false positive, one in twenty cleared.</summary>
    private string StatusAt(long k, DateTimeOffset time)
    {
        var revisedAt = DateTimeOffset.UnixEpoch.AddHours(Math.Floor((double)k / eventsPerHour) + 1) + VerdictRevisionDelay;
        if (time < revisedAt)
            return "active";
        return (Math.Abs(k) % 20) switch { 0 => "falsePositive", 1 => "cleared", _ => "active" };
    }

    private static long HourIndex(DateTimeOffset time) => (long)Math.Floor((time - DateTimeOffset.UnixEpoch).TotalHours);

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
