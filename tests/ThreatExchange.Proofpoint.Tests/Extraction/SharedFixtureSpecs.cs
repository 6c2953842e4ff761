using System.Text.Json;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Iocs;
using ThreatExchange.Proofpoint.Extraction;

namespace ThreatExchange.Proofpoint.Tests.Extraction;

public sealed class SharedFixtureSpecs
{
    private static ExtractionResult Extract(string relative) => new IocExtractor().Extract(File.ReadAllBytes(SharedFixtures.PathOf(relative)));

    private static string Line(Ioc ioc) =>
        $"{ioc.Type.ToWire()} {ioc.Value} {ioc.Status.ToWire()} {ioc.Classification.ToWire()} {ioc.FirstSeen:O} {ioc.LastSeen:O} x{ioc.Sightings} [{string.Join(",", ioc.EventTypes)}]";

    [Fact]
    public void The_shared_fixture_folder_holds_the_samples_of_every_origin()
    {
        var origins = Directory.GetDirectories(SharedFixtures.ProofpointFolder).Select(d => Path.GetFileName(d)!).Order().ToArray();
        Assert.Equal(["datadog", "demisto", "panther", "rapid7"], origins);
        Assert.True(SharedFixtures.AllFiles().Count() >= 40);
    }

    [Theory]
    [MemberData(nameof(SharedFixtures.Names), MemberType = typeof(SharedFixtures))]
    public void Every_fixture_is_read_whole_into_valid_normalized_iocs(string relative)
    {
        var bytes = File.ReadAllBytes(SharedFixtures.PathOf(relative));
        var result = new IocExtractor().Extract(bytes);

        using var document = JsonDocument.Parse(bytes);
        var records = ProofpointEventTypes.All
            .Select(key => document.RootElement.TryGetProperty(key, out var array) && array.ValueKind == JsonValueKind.Array ? array.GetArrayLength() : 0)
            .Sum();
        Assert.Equal(records, result.Events);
        Assert.All(result.Iocs, ioc => Assert.Empty(ioc.Validate()));
        Assert.All(result.Iocs, ioc => Assert.InRange(ioc.Sightings, 1, result.Events));
    }

    [Theory]
    [MemberData(nameof(SharedFixtures.Names), MemberType = typeof(SharedFixtures))]
    public async Task Streaming_in_tiny_chunks_gives_the_same_iocs_as_reading_at_once(string relative)
    {
        var bytes = File.ReadAllBytes(SharedFixtures.PathOf(relative));
        var atOnce = new IocExtractor().Extract(bytes);
        var streamed = await new IocExtractor().ExtractAsync(new TrickleStream(bytes, chunk: 7));
        Assert.Equal(atOnce.Iocs.Select(Line), streamed.Iocs.Select(Line));
        Assert.Equal(atOnce.Events, streamed.Events);
        Assert.Equal(atOnce.SkippedCount, streamed.SkippedCount);
    }

    [Fact]
    public void Datadog_samples_give_click_urls_threat_map_entries_and_sandboxed_part_hashes()
    {
        // Three clicks on http://badguy.zz/ at one threatTime: the falsepositive one wins the tie, with its spam verdict.
        // The attachment's SHA-256 is active in the blocked message and falsepositive in the delivered one, same time.
        // Its MD5 comes only from messageParts (sandboxStatus threat), which no threat entry names: active malware.
        // The part with sandboxStatus unsupported gives nothing.
        Assert.Equal(
            [
                "md5 5873c7d37608e0d49bcaa6f32b6c731f active malware 2016-06-24T21:18:38.0000000+00:00 2016-06-24T21:18:38.0000000+00:00 x2 [messagesBlocked,messagesDelivered]",
                "sha256 2fab740f143fc1aa4c1cd0146d334c5593b1428f6d062b2c406e5efe8abe95ca falsePositive malware 2016-06-24T21:18:38.0000000+00:00 2016-06-24T21:18:38.0000000+00:00 x2 [messagesBlocked,messagesDelivered]",
                "url http://badguy.zz/ falsePositive spam 2016-06-24T19:17:46.0000000+00:00 2016-06-24T19:17:46.0000000+00:00 x3 [clicksBlocked,clicksPermitted]",
                "url http://rohan.org/willis active malware 2024-11-20T12:01:07.0000000+00:00 2024-11-20T12:01:07.0000000+00:00 x1 [messagesBlocked]",
            ],
            Extract("datadog/tests-samples.json").Iocs.Select(Line));
    }

    [Fact]
    public void Demisto_click_in_upper_case_without_status_is_an_active_malware_url()
    {
        // classification MALWARE, no threatStatus, threatTime 00:00:10 (clickTime 00:00:20 is only the fallback).
        var result = Extract("demisto/permitted_click.json");
        Assert.Equal(["url http://badguy.zz/ active malware 2010-01-11T00:00:10.0000000+00:00 2010-01-11T00:00:10.0000000+00:00 x1 [clicksPermitted]"],
            result.Iocs.Select(Line));
    }

    [Fact]
    public void Demisto_blocked_message_keeps_its_url_host_and_skips_a_non_hash_attachment()
    {
        var result = Extract("demisto/blocked_message.json");
        Assert.Equal(["domain badsite.zz active malware 2010-01-25T00:00:30.0000000+00:00 2010-01-25T00:00:30.0000000+00:00 x1 [messagesBlocked]"],
            result.Iocs.Select(Line));
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal(("messagesBlocked", 0), (skipped.EventType, skipped.Index));
        Assert.Contains("'threat_num' is neither a SHA-256 nor an MD5", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rapid7_all_threats_keeps_the_blocked_click_and_skips_the_placeholder_threat()
    {
        var result = Extract("rapid7/all_threats.json");
        Assert.Equal(["url https://example.com active malware 2021-04-20T21:08:38.0000000+00:00 2021-04-20T21:08:38.0000000+00:00 x1 [clicksBlocked]"],
            result.Iocs.Select(Line));
        Assert.Equal(2, result.Events);
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("messagesBlocked", skipped.EventType);
        Assert.Contains("'Example Threat' is not a valid IoC: it contains white space.", skipped.Reason, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2021, 8, 27, 16, 0, 0, TimeSpan.Zero), result.QueryEndTime);
    }

    [Fact]
    public void A_click_proofpoint_marked_false_positive_keeps_that_status_and_a_recipient_list_is_accepted()
    {
        // Despite its name, this sample has a url; what it varies is threatStatus falsePositive and recipient as a list.
        var result = Extract("rapid7/blocked_clicks_without_url.json");
        Assert.Equal(["url https://example.com falsePositive malware 2021-04-20T21:08:38.0000000+00:00 2021-04-20T21:08:38.0000000+00:00 x1 [clicksBlocked]"],
            result.Iocs.Select(Line));
        Assert.Equal(0, result.SkippedCount);
    }
}

/// <summary>Hands out a few bytes per read, as a slow network does, to prove the extractor resumes mid-token.</summary>
internal sealed class TrickleStream(byte[] bytes, int chunk) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => bytes.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, chunk), bytes.Length - _position);
        Array.Copy(bytes, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
