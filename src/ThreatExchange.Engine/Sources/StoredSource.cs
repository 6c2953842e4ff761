using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Engine.Sources;

/// <summary>
/// A source configuration as it travels between nodes and rests in the journal: every field of
/// <see cref="SourceConfiguration"/>, the secret only in its encrypted form.
/// </summary>
public sealed record StoredSource(
    string Name,
    int PollIntervalSeconds,
    string BaseUrl,
    string Principal,
    string ProtectedSecret,
    IReadOnlyList<string> EventTypes,
    IReadOnlyList<string> ThreatStatuses,
    int InitialRangeHours,
    int LookBackLimitHours,
    bool Tagging,
    int RequestBudgetPerDay)
{
    public static string SecretPurpose(string sourceName) => $"source:{sourceName}/secret";

    public static StoredSource Protect(SourceConfiguration configuration, SecretProtector protector) => new(
        configuration.Name, configuration.PollIntervalSeconds, configuration.BaseUrl, configuration.Principal,
        protector.Protect(configuration.Secret, SecretPurpose(configuration.Name)),
        configuration.EventTypes, configuration.ThreatStatuses, configuration.InitialRangeHours, configuration.LookBackLimitHours,
        configuration.Tagging, configuration.RequestBudgetPerDay);

    public SourceConfiguration Unprotect(SecretProtector protector) => new()
    {
        Name = Name,
        PollIntervalSeconds = PollIntervalSeconds,
        BaseUrl = BaseUrl,
        Principal = Principal,
        Secret = protector.Unprotect(ProtectedSecret, SecretPurpose(Name)),
        EventTypes = EventTypes,
        ThreatStatuses = ThreatStatuses,
        InitialRangeHours = InitialRangeHours,
        LookBackLimitHours = LookBackLimitHours,
        Tagging = Tagging,
        RequestBudgetPerDay = RequestBudgetPerDay,
    };

    /// <summary>Equal settings, ignoring the ciphertext, which differs on every encryption of the same secret.</summary>
    public bool SameSettingsAs(StoredSource other, SecretProtector protector) =>
        this with { ProtectedSecret = "", EventTypes = [], ThreatStatuses = [] } == other with { ProtectedSecret = "", EventTypes = [], ThreatStatuses = [] }
        && EventTypes.SequenceEqual(other.EventTypes) && ThreatStatuses.SequenceEqual(other.ThreatStatuses)
        && Unprotect(protector).Secret.Equals(other.Unprotect(protector).Secret);
}
