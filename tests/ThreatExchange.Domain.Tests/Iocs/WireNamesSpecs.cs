using ThreatExchange.Domain.Iocs;

namespace ThreatExchange.Domain.Tests.Iocs;

public sealed class WireNamesSpecs
{
    [Fact]
    public void Every_enum_has_the_spellings_the_issue_lists()
    {
        Assert.Equal(["url", "domain", "fqdn", "ipv4", "ipv6", "md5", "sha256"], WireNames.All<IocType>());
        Assert.Equal(["active", "cleared", "falsePositive"], WireNames.All<ThreatStatus>());
        Assert.Equal(["malware", "phish", "spam", "impostor", "toad", "unknown"], WireNames.All<Classification>());
        Assert.Equal(["unknown", "low", "medium", "high", "critical"], WireNames.All<Severity>());
    }

    [Theory]
    [InlineData("MALWARE", Classification.Malware)]
    [InlineData("Toad", Classification.Toad)]
    [InlineData("phish", Classification.Phish)]
    public void Parsing_ignores_letter_case_as_Proofpoint_varies_it(string text, Classification expected)
    {
        Assert.True(WireNames.TryParse<Classification>(text, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData("FALSEPOSITIVE", true)]
    [InlineData("false_positive", false)]
    [InlineData(null, false)]
    public void Parsing_a_status_accepts_only_its_names(string? text, bool accepted)
    {
        Assert.Equal(accepted, WireNames.TryParse<ThreatStatus>(text, out _));
    }
}
