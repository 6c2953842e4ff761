using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Domain.Tests.Configuration;

public sealed class SourceConfigurationSpecs
{
    private static SourceConfiguration Valid() => new() { Name = "Proofpoint prod", Principal = "sp-123", Secret = new Secret("s3cret") };

    private static void AssertSingleError(SourceConfiguration configuration, string field, string message)
    {
        var error = Assert.Single(configuration.Validate());
        Assert.Equal(field, error.Field);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Defaults_follow_the_seed_and_the_live_api()
    {
        var configuration = Valid();
        Assert.Empty(configuration.Validate());
        Assert.Equal(300, configuration.PollIntervalSeconds);
        Assert.Equal("https://tap-api-v2.proofpoint.com", configuration.BaseUrl);
        Assert.Equal(12, configuration.InitialRangeHours);
        Assert.Equal(12, configuration.LookBackLimitHours);
        Assert.Equal(1800, configuration.RequestBudgetPerDay);
        Assert.Equal(["active", "cleared", "falsePositive"], configuration.ThreatStatuses);
        Assert.Equal(ProofpointEventTypes.All, configuration.EffectiveEventTypes);
        Assert.False(configuration.Tagging);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Prod_TAP-1.eu west")]
    public void Names_of_letters_digits_spaces_and_underscore_hyphen_dot_are_accepted(string name) =>
        Assert.Empty((Valid() with { Name = name }).Validate());

    [Fact]
    public void A_name_of_100_characters_is_the_longest_accepted()
    {
        Assert.Empty((Valid() with { Name = new string('n', 100) }).Validate());
        AssertSingleError(Valid() with { Name = new string('n', 101) }, "name",
            "Configuration Name must be 1 to 100 characters of letters, digits, spaces, '_', '-' and '.'.");
    }

    [Theory]
    [InlineData("prod/tap")]
    [InlineData("prod:tap")]
    [InlineData("prödtap")]
    public void A_name_with_other_characters_is_refused(string name) =>
        AssertSingleError(Valid() with { Name = name }, "name",
            "Configuration Name must be 1 to 100 characters of letters, digits, spaces, '_', '-' and '.'.");

    [Fact]
    public void A_missing_name_is_a_required_parameter() =>
        AssertSingleError(Valid() with { Name = "" }, "name", "Configuration Name is a required configuration parameter.");

    [Fact]
    public void The_poll_interval_must_be_at_least_60_seconds()
    {
        Assert.Empty((Valid() with { PollIntervalSeconds = 60 }).Validate());
        AssertSingleError(Valid() with { PollIntervalSeconds = 59 }, "pollIntervalSeconds",
            "Poll Interval (in seconds) must be an integer of at least 60.");
    }

    [Theory]
    [InlineData("https://tap-api-v2.proofpoint.com/")]
    [InlineData("https://tap.example.zz:8443")]
    [InlineData("http://127.0.0.1:5055")]
    [InlineData("http://localhost:5055/")]
    [InlineData("http://[::1]:5055")]
    public void Base_urls_that_are_https_roots_or_loopback_http_are_accepted(string baseUrl) =>
        Assert.Empty((Valid() with { BaseUrl = baseUrl }).Validate());

    [Theory]
    [InlineData("http://tap-api-v2.proofpoint.com", "Base URL must use https; http is accepted only for a loopback host.")]
    [InlineData("https://tap-api-v2.proofpoint.com/v2/siem", "Base URL must be a scheme and host only: its path must be empty or '/', with no query or fragment.")]
    [InlineData("https://tap-api-v2.proofpoint.com/?x=1", "Base URL must be a scheme and host only: its path must be empty or '/', with no query or fragment.")]
    [InlineData("tap-api-v2.proofpoint.com", "Invalid value provided for the configuration parameter 'Base URL'. It should be an absolute https URL such as https://host.example.")]
    [InlineData("ftp://tap-api-v2.proofpoint.com", "Invalid value provided for the configuration parameter 'Base URL'. It should be an absolute https URL such as https://host.example.")]
    [InlineData("", "Base URL is a required configuration parameter.")]
    public void Other_base_urls_are_refused_with_the_rule_they_break(string baseUrl, string message) =>
        AssertSingleError(Valid() with { BaseUrl = baseUrl }, "baseUrl", message);

    [Fact]
    public void Principal_and_secret_are_required()
    {
        var errors = (Valid() with { Principal = " ", Secret = new Secret("") }).Validate();
        Assert.Equal(
            [
                new ValidationError("principal", "Service Principal (Username) is a required configuration parameter."),
                new ValidationError("secret", "Service Secret (Password) is a required configuration parameter."),
            ],
            errors);
    }

    [Fact]
    public void Event_types_must_be_among_the_four()
    {
        Assert.Empty((Valid() with { EventTypes = ["clicksBlocked", "messagesDelivered"] }).Validate());
        AssertSingleError(Valid() with { EventTypes = ["clicksBlocked", "issues"] }, "eventTypes",
            "Invalid value provided for the configuration parameter 'Event Type(s)': 'issues'. It should be one of messagesDelivered, messagesBlocked, clicksPermitted, clicksBlocked.");
    }

    [Fact]
    public void Threat_statuses_must_be_a_non_empty_subset_of_the_three()
    {
        Assert.Empty((Valid() with { ThreatStatuses = ["active"] }).Validate());
        AssertSingleError(Valid() with { ThreatStatuses = ["active", "false_positive"] }, "threatStatuses",
            "Invalid value provided for the configuration parameter 'Threat Status(es)': 'false_positive'. It should be one of active, cleared, falsePositive.");
        AssertSingleError(Valid() with { ThreatStatuses = [] }, "threatStatuses",
            "Threat Status(es) must name at least one of active, cleared, falsePositive.");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    public void The_initial_range_is_1_to_12_hours_as_the_seed_says(int hours)
    {
        var errors = (Valid() with { InitialRangeHours = hours, LookBackLimitHours = 168 }).Validate();
        Assert.Equal([new ValidationError("initialRangeHours", "Initial Range (in hours) must be an integer in range 1 to 12.")], errors);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(169)]
    public void The_look_back_limit_is_1_to_168_hours(int hours)
    {
        var errors = (Valid() with { InitialRangeHours = 1, LookBackLimitHours = hours }).Validate();
        Assert.Contains(new ValidationError("lookBackLimitHours", "Look-back Limit (in hours) must be an integer in range 1 to 168."), errors);
    }

    [Fact]
    public void The_initial_range_may_not_exceed_the_look_back_limit()
    {
        Assert.Empty((Valid() with { InitialRangeHours = 6, LookBackLimitHours = 6 }).Validate());
        AssertSingleError(Valid() with { InitialRangeHours = 7, LookBackLimitHours = 6 }, "initialRangeHours",
            "Initial Range (in hours) must not exceed the Look-back Limit (in hours), which is 6.");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1801)]
    public void The_request_budget_is_at_most_proofpoints_allowance(int budget)
    {
        var errors = (Valid() with { RequestBudgetPerDay = budget }).Validate();
        Assert.Equal([new ValidationError("requestBudgetPerDay", "Request Budget (per 24 hours) must be an integer in range 1 to 1800.")], errors);
    }

    [Fact]
    public void A_poll_interval_that_would_spend_more_than_the_budget_says_how_many_requests_it_implies()
    {
        Assert.Equal(1464, (Valid() with { PollIntervalSeconds = 60 }).ImpliedRequestsPerDay);
        Assert.Empty((Valid() with { PollIntervalSeconds = 60 }).Validate());
        AssertSingleError(Valid() with { PollIntervalSeconds = 60, RequestBudgetPerDay = 1000 }, "pollIntervalSeconds",
            "A Poll Interval of 60 seconds implies 1464 requests a day (including 24 late-arrival re-sweeps), more than the Request Budget of 1000. Poll less often or raise the budget.");
    }

    [Fact]
    public void A_poll_interval_longer_than_an_hour_counts_one_request_per_hour_window()
    {
        // Every 2 hours: 12 polls of 2 one-hour windows, plus the re-sweeps.
        Assert.Equal(12 * 2 + 24, (Valid() with { PollIntervalSeconds = 7200 }).ImpliedRequestsPerDay);
    }

    [Fact]
    public void All_errors_are_reported_at_once()
    {
        var errors = new SourceConfiguration
        {
            Name = "",
            Principal = "",
            Secret = new Secret(""),
            BaseUrl = "http://example.zz",
            PollIntervalSeconds = 10,
            InitialRangeHours = 20,
        }.Validate();
        Assert.Equal(["name", "pollIntervalSeconds", "baseUrl", "principal", "secret", "initialRangeHours", "initialRangeHours"],
            errors.Select(e => e.Field));
    }
}
