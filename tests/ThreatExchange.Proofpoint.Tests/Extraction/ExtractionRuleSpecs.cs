using System.Text;
using ThreatExchange.Domain.Iocs;
using ThreatExchange.Proofpoint.Extraction;

namespace ThreatExchange.Proofpoint.Tests.Extraction;

public sealed class ExtractionRuleSpecs
{
    private static readonly string OwnFixtures = Path.Combine(AppContext.BaseDirectory, "Extraction", "Fixtures");

    private static ExtractionResult Extract(string json) => new IocExtractor().Extract(Encoding.UTF8.GetBytes(json));

    private static Ioc Single(string json) => Assert.Single(Extract(json).Iocs);

    private static string Line(Ioc ioc) =>
        $"{ioc.Type.ToWire()} {ioc.Value} {ioc.Status.ToWire()} {ioc.Classification.ToWire()} {ioc.FirstSeen:s} {ioc.LastSeen:s} x{ioc.Sightings} [{string.Join(",", ioc.EventTypes)}]";

    [Fact]
    public void Our_documented_fixture_gives_the_iocs_worked_out_by_hand()
    {
        var result = new IocExtractor().Extract(File.ReadAllBytes(Path.Combine(OwnFixtures, "documented.json")));
        Assert.Equal(
            [
                // Only the part's MD5 names it; the SHA-256 of the same part takes its threat entry's verdict.
                "fqdn login.badsite.zz cleared phish 2026-12-03T10:21:00 2026-12-03T10:21:00 x1 [messagesBlocked]",
                "md5 5873c7d37608e0d49bcaa6f32b6c731f active malware 2026-12-03T10:05:00 2026-12-03T10:05:00 x1 [messagesDelivered]",
                "sha256 2fab740f143fc1aa4c1cd0146d334c5593b1428f6d062b2c406e5efe8abe95ca active malware 2026-12-03T10:05:00 2026-12-03T10:05:00 x1 [messagesDelivered]",
                // Seen in the message at 10:06 (active) and clicked at 10:29 (falsePositive): the later verdict stands.
                "url http://badguy.zz/x falsePositive phish 2026-12-03T10:06:00 2026-12-03T10:29:00 x2 [clicksPermitted,messagesDelivered]",
                "url https://203.0.113.7/payload.bin active malware 2026-12-03T10:40:00 2026-12-03T10:40:00 x1 [clicksBlocked]",
            ],
            result.Iocs.Select(Line));
        Assert.Equal(4, result.Events);
        Assert.Equal(0, result.SkippedCount);
        Assert.Equal("https://threatinsight.proofpoint.com/t1", result.Iocs.Single(i => i.Value == "http://badguy.zz/x").DashboardLink);
    }

    [Fact]
    public void Every_schema_variant_seen_in_real_data_gives_the_same_iocs_as_the_documented_form()
    {
        var documented = new IocExtractor().Extract(File.ReadAllBytes(Path.Combine(OwnFixtures, "documented.json")));
        var drifted = new IocExtractor().Extract(File.ReadAllBytes(Path.Combine(OwnFixtures, "drifted.json")));
        Assert.Equal(documented.Iocs.Select(Line), drifted.Iocs.Select(Line));
        Assert.Equal(documented.Iocs.Select(i => i.DashboardLink), drifted.Iocs.Select(i => i.DashboardLink));
        Assert.Equal(0, drifted.SkippedCount);
    }

    [Fact]
    public void A_click_uses_click_time_when_threat_time_is_missing_and_defaults_status_and_classification() =>
        Assert.Equal("url http://a.zz/x active unknown 2026-12-03T10:00:00 2026-12-03T10:00:00 x1 [clicksBlocked]",
            Line(Single("""{"clicksBlocked":[{"url":"http://a.zz/x","clickTime":"2026-12-03T10:00:00Z"}]}""")));

    [Theory]
    [InlineData("""{"clicksBlocked":[{"clickTime":"2026-12-03T10:00:00Z"}]}""", "the click has no url.")]
    [InlineData("""{"clicksBlocked":[{"url":"","clickTime":"2026-12-03T10:00:00Z"}]}""", "the click has no url.")]
    [InlineData("""{"clicksBlocked":[{"url":"http://a.zz/"}]}""", "the click has no usable threatTime or clickTime.")]
    [InlineData("""{"clicksBlocked":[{"url":"http://a.zz/","clickTime":"yesterday"}]}""", "the click has no usable threatTime or clickTime.")]
    [InlineData("""{"clicksBlocked":[{"url":"http://a.zz/","clickTime":"2026-12-03T10:00:00Z","threatStatus":"expired"}]}""", "the threatStatus 'expired' is not active, cleared or falsePositive.")]
    [InlineData("""{"clicksBlocked":[{"url":"not a url","clickTime":"2026-12-03T10:00:00Z"}]}""", "the url 'not a url' is not a valid IoC: it contains white space.")]
    [InlineData("""{"clicksBlocked":["http://a.zz/"]}""", "the record is a JSON string, not an object.")]
    public void An_unusable_click_is_skipped_with_its_reason(string json, string reason)
    {
        var result = Extract(json);
        Assert.Empty(result.Iocs);
        Assert.Equal(1, result.Events);
        Assert.Equal(new SkippedRecord("clicksBlocked", 0, reason), Assert.Single(result.Skipped));
    }

    [Fact]
    public void Skipped_records_are_counted_and_the_rest_of_the_response_is_kept()
    {
        var result = Extract("""
            {"clicksPermitted":[
              {"url":"http://a.zz/1","clickTime":"2026-12-03T10:00:00Z"},
              {"clickTime":"2026-12-03T10:00:00Z"},
              42,
              {"url":"http://a.zz/2","clickTime":"2026-12-03T10:00:00Z"}
            ]}
            """);
        Assert.Equal(["http://a.zz/1", "http://a.zz/2"], result.Iocs.Select(i => i.Value));
        Assert.Equal(4, result.Events);
        Assert.Equal([1, 2], result.Skipped.Select(s => s.Index));
    }

    [Fact]
    public void Skip_details_are_bounded_but_every_skip_is_counted()
    {
        var records = string.Join(",", Enumerable.Repeat("""{"clickTime":"2026-12-03T10:00:00Z"}""", 250));
        var result = new IocExtractor(skipDetailLimit: 100).Extract(Encoding.UTF8.GetBytes($$"""{"clicksBlocked":[{{records}}]}"""));
        Assert.Equal(250, result.SkippedCount);
        Assert.Equal(100, result.Skipped.Count);
    }

    [Fact]
    public void A_message_entry_takes_the_message_time_when_it_has_no_threat_time()
    {
        var ioc = Single("""{"messagesBlocked":[{"messageTime":"2026-12-03T09:00:00Z","threatsInfoMap":[{"threat":"bad.zz","threatType":"url","classification":"spam"}]}]}""");
        Assert.Equal("domain bad.zz active spam 2026-12-03T09:00:00 2026-12-03T09:00:00 x1 [messagesBlocked]", Line(ioc));
    }

    [Fact]
    public void An_attachment_of_32_hex_digits_is_an_md5()
    {
        var ioc = Single("""{"messagesBlocked":[{"messageTime":"2026-12-03T09:00:00Z","threatsInfoMap":[{"threat":" D41D8CD98F00B204E9800998ECF8427E","threatType":"attachment"}]}]}""");
        Assert.Equal((IocType.Md5, "d41d8cd98f00b204e9800998ecf8427e"), (ioc.Type, ioc.Value));
    }

    [Fact]
    public void Message_text_threats_and_clean_parts_give_no_ioc_and_are_not_skips()
    {
        var result = Extract("""
            {"messagesDelivered":[{"messageTime":"2026-12-03T09:00:00Z",
              "threatsInfoMap":[{"threat":"Subject looked odd","threatType":"messageText"}],
              "messageParts":[{"md5":"d41d8cd98f00b204e9800998ecf8427e","sandboxStatus":"clean"},{"md5":"d41d8cd98f00b204e9800998ecf8427e","sandboxStatus":null}]}]}
            """);
        Assert.Empty(result.Iocs);
        Assert.Equal(0, result.SkippedCount);
    }

    [Theory]
    [InlineData("""{"threat":"bad.zz","threatType":"email"}""", "the threatType 'email' is not url, attachment or messageText.")]
    [InlineData("""{"threat":"invoice.exe","threatType":"attachment"}""", "the attachment threat 'invoice.exe' is neither a SHA-256 nor an MD5.")]
    [InlineData("""{"threatType":"url"}""", "the entry has no threat.")]
    [InlineData("""{"threat":"Example Threat","threatType":"url"}""", "the threat 'Example Threat' is not a valid IoC: it contains white space.")]
    public void An_unusable_threat_entry_is_skipped_and_its_neighbours_kept(string entry, string reason)
    {
        var result = Extract($$"""{"messagesBlocked":[{"messageTime":"2026-12-03T09:00:00Z","threatsInfoMap":[{{entry}},{"threat":"ok.zz","threatType":"url"}]}]}""");
        Assert.Equal("ok.zz", Assert.Single(result.Iocs).Value);
        Assert.Equal(new SkippedRecord("messagesBlocked", 0, "threatsInfoMap[0]: " + reason), Assert.Single(result.Skipped));
    }

    [Fact]
    public void A_sandboxed_part_takes_the_verdict_of_the_latest_threat_entry_for_the_same_hash()
    {
        var result = Extract("""
            {"messagesDelivered":[{"messageTime":"2026-12-03T09:00:00Z",
              "threatsInfoMap":[
                {"threat":"d41d8cd98f00b204e9800998ecf8427e","threatType":"attachment","threatStatus":"active","classification":"malware","threatTime":"2026-12-03T08:00:00Z"},
                {"threat":"d41d8cd98f00b204e9800998ecf8427e","threatType":"attachment","threatStatus":"cleared","classification":"spam","threatTime":"2026-12-03T08:30:00Z"}],
              "messageParts":[{"md5":"d41d8cd98f00b204e9800998ecf8427e","sandboxStatus":"threat"}]}]}
            """);
        // The part's mention at messageTime 09:00 is the event's latest, carrying the 08:30 entry's verdict.
        Assert.Equal("md5 d41d8cd98f00b204e9800998ecf8427e cleared spam 2026-12-03T09:00:00 2026-12-03T09:00:00 x1 [messagesDelivered]", Line(Assert.Single(result.Iocs)));
    }

    [Fact]
    public void At_equal_time_a_threat_entry_beats_a_message_part()
    {
        var ioc = Single("""
            {"messagesDelivered":[{"messageTime":"2026-12-03T09:00:00Z",
              "threatsInfoMap":[{"threat":"d41d8cd98f00b204e9800998ecf8427e","threatType":"attachment","threatStatus":"falsePositive","classification":"phish","threatTime":"2026-12-03T09:00:00Z"}],
              "messageParts":[{"md5":"d41d8cd98f00b204e9800998ecf8427e","sandboxStatus":"threat"}]}]}
            """);
        Assert.Equal((ThreatStatus.FalsePositive, Classification.Phish, 1), (ioc.Status, ioc.Classification, ioc.Sightings));
    }

    [Fact]
    public void One_event_counts_an_ioc_once_at_its_latest_mention()
    {
        var ioc = Single("""
            {"messagesDelivered":[{"messageTime":"2026-12-03T09:00:00Z","threatsInfoMap":[
              {"threat":"http://a.zz/x","threatType":"url","threatStatus":"cleared","threatTime":"2026-12-03T09:10:00Z","classification":"phish"},
              {"threat":"HTTP://A.ZZ/x#frag","threatType":"url","threatStatus":"active","threatTime":"2026-12-03T09:05:00Z","classification":"spam"}]}]}
            """);
        Assert.Equal("url http://a.zz/x cleared phish 2026-12-03T09:10:00 2026-12-03T09:10:00 x1 [messagesDelivered]", Line(ioc));
    }

    [Fact]
    public void A_message_without_time_skips_its_sandboxed_parts()
    {
        var result = Extract("""{"messagesDelivered":[{"messageParts":[{"md5":"d41d8cd98f00b204e9800998ecf8427e","sandboxStatus":"threat"}]}]}""");
        Assert.Empty(result.Iocs);
        Assert.Equal("messageParts[0]: the message has no usable messageTime.", Assert.Single(result.Skipped).Reason);
    }

    [Fact]
    public void Across_events_sightings_add_up_and_the_latest_contribution_decides()
    {
        var ioc = Single("""
            {"clicksPermitted":[
              {"url":"http://a.zz/x","threatTime":"2026-12-03T10:00:00Z","threatStatus":"active","classification":"malware"},
              {"url":"http://a.zz/x","threatTime":"2026-12-03T08:00:00Z","threatStatus":"cleared","classification":"spam"}],
             "clicksBlocked":[
              {"url":"http://a.zz/x","threatTime":"2026-12-03T09:00:00Z","threatStatus":"falsePositive","classification":"phish"}]}
            """);
        Assert.Equal("url http://a.zz/x active malware 2026-12-03T08:00:00 2026-12-03T10:00:00 x3 [clicksBlocked,clicksPermitted]", Line(ioc));
    }

    [Theory]
    [InlineData("active", "cleared", "cleared")]
    [InlineData("cleared", "falsePositive", "falsePositive")]
    [InlineData("falsePositive", "active", "falsePositive")]
    public void On_a_tie_false_positive_beats_cleared_beats_active(string first, string second, string expected)
    {
        var ioc = Single($$"""
            {"clicksPermitted":[
              {"url":"http://a.zz/x","threatTime":"2026-12-03T10:00:00Z","threatStatus":"{{first}}"},
              {"url":"http://a.zz/x","threatTime":"2026-12-03T10:00:00Z","threatStatus":"{{second}}"}]}
            """);
        Assert.Equal(expected, ioc.Status.ToWire());
    }

    [Fact]
    public void Per_recipient_copies_of_one_message_each_count_as_a_sighting()
    {
        var copy = """{"GUID":"same","messageTime":"2026-12-03T09:00:00Z","threatsInfoMap":[{"threat":"bad.zz","threatType":"url"}]}""";
        Assert.Equal(2, Single($$"""{"messagesDelivered":[{{copy}},{{copy}}]}""").Sightings);
    }

    [Fact]
    public void Only_the_selected_event_types_are_read()
    {
        const string json = """
            {"clicksPermitted":[{"url":"http://a.zz/1","clickTime":"2026-12-03T10:00:00Z"}],
             "clicksBlocked":[{"url":"http://a.zz/2","clickTime":"2026-12-03T10:00:00Z"}]}
            """;
        var result = new IocExtractor(["clicksBlocked"]).Extract(Encoding.UTF8.GetBytes(json));
        Assert.Equal("http://a.zz/2", Assert.Single(result.Iocs).Value);
        Assert.Equal(1, result.Events);
    }

    [Fact]
    public void Empty_and_null_arrays_and_unknown_keys_are_accepted()
    {
        var result = Extract("""{"queryEndTime":"2026-12-03T10:00:00Z","messagesDelivered":[],"messagesBlocked":null,"extra":{"nested":[1,2,{"a":"b"}]},"clicksBlocked":[]}""");
        Assert.Empty(result.Iocs);
        Assert.Equal(0, result.SkippedCount);
    }

    [Fact]
    public void An_event_type_that_is_not_an_array_is_counted_as_skipped()
    {
        var result = Extract("""{"clicksBlocked":{"url":"http://a.zz/"}}""");
        Assert.Equal(new SkippedRecord("clicksBlocked", -1, "the clicksBlocked value is a JSON object, not an array."), Assert.Single(result.Skipped));
    }

    [Theory]
    [InlineData("[]", "JSON array, not the object")]
    [InlineData("\"text\"", "JSON string, not the object")]
    [InlineData("<html>nope</html>", "not valid JSON")]
    [InlineData("{\"clicksBlocked\":[{\"url\":\"http://a.zz/\"", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    public void A_body_that_is_not_one_json_object_is_refused_as_malformed(string body, string fragment)
    {
        var error = Assert.Throws<MalformedResponseException>(() => Extract(body));
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_that_breaks_off_after_a_whole_record_is_refused_not_half_read()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"clicksBlocked":[{"url":"http://a.zz/","clickTime":"2026-12-03T10:00:00Z"}""");
        await Assert.ThrowsAsync<MalformedResponseException>(() => new IocExtractor().ExtractAsync(new MemoryStream(bytes)));
    }

    [Fact]
    public void A_record_with_invalid_utf8_text_is_skipped_and_the_rest_kept()
    {
        var json = Encoding.UTF8.GetBytes("""{"clicksBlocked":[{"url":"http://a.zz/X","clickTime":"2026-12-03T10:00:00Z"},{"url":"http://b.zz/","clickTime":"2026-12-03T10:00:00Z"}]}""");
        json[Array.IndexOf(json, (byte)'X')] = 0xBF;
        var result = new IocExtractor().Extract(json);
        Assert.Equal("http://b.zz/", Assert.Single(result.Iocs).Value);
        Assert.Equal(new SkippedRecord("clicksBlocked", 0, "the record holds text that is not valid UTF-8."), Assert.Single(result.Skipped));
    }

    [Fact]
    public async Task A_record_larger_than_the_read_buffer_is_read_whole()
    {
        var padding = new string('x', 300_000);
        var json = $$"""{"clicksBlocked":[{"pad":"{{padding}}","url":"http://a.zz/big","clickTime":"2026-12-03T10:00:00Z"}]}""";
        var result = await new IocExtractor().ExtractAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        Assert.Equal("http://a.zz/big", Assert.Single(result.Iocs).Value);
    }
}
