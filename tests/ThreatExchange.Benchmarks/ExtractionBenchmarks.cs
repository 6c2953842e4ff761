using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ThreatExchange.Proofpoint.Extraction;

namespace ThreatExchange.Benchmarks;

/// <summary>
/// Extraction of a generated hour of TAP data (over 20 MB) beside a bare <see cref="Utf8JsonReader"/> pass
/// over the same bytes: the ceiling any JSON-reading extractor can reach.
/// </summary>
[MemoryDiagnoser]
public class ExtractionBenchmarks
{
    private byte[] _body = [];

    [Params(16_000)]
    public int EventsPerHour { get; set; }

    public int Events { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        (_body, Events) = GeneratedResponse.OneHour(EventsPerHour);
        Console.WriteLine($"// response: {_body.Length / 1_048_576.0:F1} MB, {Events} events");
    }

    [Benchmark(Baseline = true)]
    public int RawReaderPass()
    {
        var reader = new Utf8JsonReader(_body);
        var tokens = 0;
        while (reader.Read())
            tokens++;
        return tokens;
    }

    [Benchmark]
    public int ExtractFromSpan() => new IocExtractor().Extract(_body).Iocs.Count;

    [Benchmark]
    public async Task<int> ExtractFromStream()
    {
        using var stream = new MemoryStream(_body, writable: false);
        return (await new IocExtractor().ExtractAsync(stream)).Iocs.Count;
    }
}
