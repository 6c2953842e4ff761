using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ThreatExchange.Domain.Iocs;
using ThreatExchange.Proofpoint.Extraction;

namespace ThreatExchange.Host.Offline;

/// <summary>
/// <c>extract FILE</c>: reads a saved TAP SIEM response (or stdin with <c>-</c>) and prints its IoCs, one JSON
/// object per line, so an operator or an acceptance test can check the extractor without any service.
/// </summary>
public static class ExtractCommand
{
    public const int NotAJsonObject = 2;

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A /v2/siem/all JSON response, or - for standard input." };
        var command = new Command("extract", "Print the IoCs in a saved Proofpoint TAP SIEM response.") { file };
        command.SetAction((parsed, cancellationToken) => RunAsync(parsed.GetValue(file)!, Console.OpenStandardOutput(), Console.Error, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string path, Stream output, TextWriter diagnostics, CancellationToken cancellationToken)
    {
        ExtractionResult result;
        try
        {
            await using var input = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            result = await new IocExtractor().ExtractAsync(input, cancellationToken);
        }
        catch (MalformedResponseException e)
        {
            await diagnostics.WriteLineAsync(e.Message.ReplaceLineEndings(" "));
            return NotAJsonObject;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            await diagnostics.WriteLineAsync($"Cannot read {path}: {e.Message}");
            return NotAJsonObject;
        }

        await using (var json = new Utf8JsonWriter(output))
        {
            foreach (var ioc in result.Iocs)
            {
                json.WriteStartObject();
                json.WriteString("value", ioc.Value);
                json.WriteString("type", ioc.Type.ToWire());
                json.WriteString("threatStatus", ioc.Status.ToWire());
                json.WriteString("classification", ioc.Classification.ToWire());
                json.WriteString("firstSeen", Iso(ioc.FirstSeen));
                json.WriteString("lastSeen", Iso(ioc.LastSeen));
                json.WriteNumber("sightings", ioc.Sightings);
                json.WriteStartArray("eventTypes");
                foreach (var eventType in ioc.EventTypes)
                    json.WriteStringValue(eventType);
                json.WriteEndArray();
                json.WriteEndObject();
                json.Flush();
                json.Reset();
                output.WriteByte((byte)'\n');
            }
        }
        await output.FlushAsync(cancellationToken);
        foreach (var skipped in result.Skipped)
            await diagnostics.WriteLineAsync($"skipped {skipped}");
        await diagnostics.WriteLineAsync($"events={result.Events} iocs={result.Iocs.Count} skipped={result.SkippedCount}");
        return 0;
    }

    private static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
