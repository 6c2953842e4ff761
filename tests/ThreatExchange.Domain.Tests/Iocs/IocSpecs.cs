using ThreatExchange.Domain.Iocs;

namespace ThreatExchange.Domain.Tests.Iocs;

public sealed class IocSpecs
{
    private static readonly DateTimeOffset Seen = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static Ioc ValidIoc() => new()
    {
        Value = "http://badguy.zz/x", Type = IocType.Url, FirstSeen = Seen, LastSeen = Seen.AddHours(1),
        DashboardLink = "https://threatinsight.proofpoint.com/threat/x",
    };

    [Fact]
    public void A_normalized_ioc_with_a_web_dashboard_link_is_valid()
    {
        Assert.Empty(ValidIoc().Validate());
        Assert.Equal(Ioc.DefaultReputation, ValidIoc().Reputation);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("not a link")]
    [InlineData("ftp://threatinsight.proofpoint.com/x")]
    [InlineData("file:///etc/passwd")]
    public void A_dashboard_link_must_be_http_or_https(string link)
    {
        var errors = (ValidIoc() with { DashboardLink = link }).Validate();
        Assert.Contains(errors, e => e.Field == "dashboardLink");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Reputation_must_be_1_to_10(int reputation)
    {
        Assert.Contains((ValidIoc() with { Reputation = reputation }).Validate(),
            e => e.Message == "Reputation must be an integer in range 1 to 10.");
    }

    [Fact]
    public void A_value_not_in_canonical_form_or_of_another_type_is_refused()
    {
        Assert.Contains((ValidIoc() with { Value = "HTTP://BadGuy.zz/x" }).Validate(), e => e.Field == "value");
        Assert.Contains((ValidIoc() with { Type = IocType.Domain }).Validate(), e => e.Field == "value");
    }

    [Fact]
    public void Times_must_be_utc_and_ordered_and_sightings_positive()
    {
        var errors = (ValidIoc() with
        {
            FirstSeen = new DateTimeOffset(2026, 12, 3, 11, 0, 0, TimeSpan.FromHours(1)),
            LastSeen = Seen.AddHours(-1),
            Sightings = 0,
        }).Validate();
        Assert.Contains(errors, e => e.Field == "firstSeen");
        Assert.Contains(errors, e => e.Field == "lastSeen");
        Assert.Contains(errors, e => e.Field == "sightings");
    }
}
