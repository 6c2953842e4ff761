using System.Buffers;
using System.Text.Json;
using ThreatExchange.Simulators.Proofpoint;

namespace ThreatExchange.Benchmarks;

/// <summary>A one-hour <c>/v2/siem/all</c> body written by the TAP simulator's own generator, held in memory.</summary>
public static class GeneratedResponse
{
    private static readonly string[] Keys = ["messagesDelivered", "messagesBlocked", "clicksPermitted", "clicksBlocked"];
    private static readonly string[] AllStatuses = ["active", "cleared", "falsePositive"];

    public static (byte[] Body, int Events) OneHour(int eventsPerHour, int seed = 42)
    {
        var generator = new TapDataGenerator(seed, eventsPerHour, TimeSpan.FromMinutes(30));
        var hour = (long)(DateTimeOffset.UtcNow.AddDays(-1) - DateTimeOffset.UnixEpoch).TotalHours;
        var events = generator.EventsInHour(hour).ToLookup(e => e.EventType);
        var buffer = new ArrayBufferWriter<byte>(32 * 1024 * 1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("queryEndTime", DateTimeOffset.UnixEpoch.AddHours(hour + 1));
            foreach (var key in Keys)
            {
                json.WriteStartArray(key);
                foreach (var e in events[key])
                    TapEventWriter.WriteEvent(json, e, AllStatuses);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return (buffer.WrittenSpan.ToArray(), events.Sum(g => g.Count()));
    }
}
