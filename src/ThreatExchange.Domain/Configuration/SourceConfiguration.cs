using ThreatExchange.Domain.Iocs;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Domain.Configuration;

/// <summary>One Proofpoint TAP plugin configuration: where to poll, as whom, what and how often.</summary>
public sealed record SourceConfiguration
{
    public const string DefaultBaseUrl = "https://tap-api-v2.proofpoint.com";
    public const int MinimumPollIntervalSeconds = 60;
    public const int DefaultPollIntervalSeconds = 300;
    public const int MaxInitialRangeHours = 12;
    public const int MaxLookBackLimitHours = 168;
    public const int ProofpointDailyAllowance = 1800;

    /// <summary>Each completed hour is read once more for late-indexed events: 24 extra requests a day.</summary>
    public const int ResweepsPerDay = 24;

    public required string Name { get; init; }
    public int PollIntervalSeconds { get; init; } = DefaultPollIntervalSeconds;
    public string BaseUrl { get; init; } = DefaultBaseUrl;
    public required string Principal { get; init; }
    public required Secret Secret { get; init; }
    /// <summary>Empty means all four.</summary>
    public IReadOnlyList<string> EventTypes { get; init; } = [];
    public IReadOnlyList<string> ThreatStatuses { get; init; } = WireNames.All<ThreatStatus>().ToArray();
    public int InitialRangeHours { get; init; } = MaxInitialRangeHours;
    public int LookBackLimitHours { get; init; } = 12;
    public bool Tagging { get; init; }
    public int RequestBudgetPerDay { get; init; } = ProofpointDailyAllowance;

    public IReadOnlyList<string> EffectiveEventTypes => EventTypes.Count == 0 ? ProofpointEventTypes.All : EventTypes;

    /// <summary>
    /// Requests a day the poll interval implies in steady state: every poll reads the time since the last
    /// one in windows of at most an hour, plus the daily re-sweeps.
    /// </summary>
    public int ImpliedRequestsPerDay
    {
        get
        {
            var interval = Math.Max(1, PollIntervalSeconds);
            var polls = (int)Math.Ceiling(86_400d / interval);
            var windowsPerPoll = (int)Math.Ceiling(interval / 3_600d);
            return polls * windowsPerPoll + ResweepsPerDay;
        }
    }

    public IReadOnlyList<ValidationError> Validate()
    {
        var rules = new FieldRules();
        rules.Name("name", "Configuration Name", Name);
        if (PollIntervalSeconds < MinimumPollIntervalSeconds)
            rules.Add("pollIntervalSeconds", $"Poll Interval (in seconds) must be an integer of at least {MinimumPollIntervalSeconds}.");
        rules.ServiceRoot("baseUrl", "Base URL", BaseUrl);
        rules.Required("principal", "Service Principal (Username)", Principal);
        if (Secret is null || Secret.IsEmpty)
            rules.Add("secret", "Service Secret (Password) is a required configuration parameter.");
        rules.Subset("eventTypes", "Event Type(s)", EventTypes, ProofpointEventTypes.All);
        if (ThreatStatuses.Count == 0)
            rules.Add("threatStatuses", "Threat Status(es) must name at least one of active, cleared, falsePositive.");
        rules.Subset("threatStatuses", "Threat Status(es)", ThreatStatuses, WireNames.All<ThreatStatus>().ToArray());
        rules.Range("initialRangeHours", "Initial Range (in hours)", InitialRangeHours, 1, MaxInitialRangeHours);
        rules.Range("lookBackLimitHours", "Look-back Limit (in hours)", LookBackLimitHours, 1, MaxLookBackLimitHours);
        if (InitialRangeHours > LookBackLimitHours && LookBackLimitHours >= 1)
            rules.Add("initialRangeHours", $"Initial Range (in hours) must not exceed the Look-back Limit (in hours), which is {LookBackLimitHours}.");
        rules.Range("requestBudgetPerDay", "Request Budget (per 24 hours)", RequestBudgetPerDay, 1, ProofpointDailyAllowance);
        if (PollIntervalSeconds >= MinimumPollIntervalSeconds && RequestBudgetPerDay >= 1 && ImpliedRequestsPerDay > RequestBudgetPerDay)
            rules.Add("pollIntervalSeconds",
                $"A Poll Interval of {PollIntervalSeconds} seconds implies {ImpliedRequestsPerDay} requests a day " +
                $"(including {ResweepsPerDay} late-arrival re-sweeps), more than the Request Budget of {RequestBudgetPerDay}. Poll less often or raise the budget.");
        return rules.Errors;
    }
}
