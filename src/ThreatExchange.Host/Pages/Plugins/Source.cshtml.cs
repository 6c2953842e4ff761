using Microsoft.AspNetCore.Mvc;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Iocs;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Host.Service;
using ThreatExchange.Host.WebConsole;

namespace ThreatExchange.Host.Pages.Plugins;

/// <summary>What the Proofpoint configuration form posts: text as typed, parsed and validated on save.</summary>
public sealed class SourceForm
{
    public string Name { get; set; } = "";
    public string BaseUrl { get; set; } = SourceConfiguration.DefaultBaseUrl;
    public string Principal { get; set; } = "";
    public string? Secret { get; set; }
    public string? PollIntervalSeconds { get; set; } = SourceConfiguration.DefaultPollIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public List<string> EventTypes { get; set; } = [];
    public List<string> ThreatStatuses { get; set; } = [.. WireNames.All<ThreatStatus>()];
    public string? InitialRangeHours { get; set; } = "12";
    public string? LookBackLimitHours { get; set; } = "12";
    public bool Tagging { get; set; }
    public string? RequestBudgetPerDay { get; set; } = SourceConfiguration.ProofpointDailyAllowance.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Create or edit one Proofpoint configuration; saving checks the credentials with one request, as Cloud Exchange does.</summary>
public sealed class SourceModel(ConfigurationService configurations) : FormPageModel<SourceForm>
{
    public static readonly IReadOnlyList<string> Fields =
        ["name", "baseUrl", "principal", "secret", "pollIntervalSeconds", "eventTypes", "threatStatuses", "initialRangeHours", "lookBackLimitHours", "tagging", "requestBudgetPerDay"];

    public async Task<IActionResult> OnGetAsync(string? name)
    {
        if (name is null)
            return Page();
        if (await configurations.SourceAsync(name) is not { } stored)
            return NotFound();
        Editing = true;
        Form = new SourceForm
        {
            Name = stored.Name, BaseUrl = stored.BaseUrl, Principal = stored.Principal,
            PollIntervalSeconds = Text(stored.PollIntervalSeconds), EventTypes = [.. stored.EventTypes], ThreatStatuses = [.. stored.ThreatStatuses],
            InitialRangeHours = Text(stored.InitialRangeHours), LookBackLimitHours = Text(stored.LookBackLimitHours), Tagging = stored.Tagging,
            RequestBudgetPerDay = Text(stored.RequestBudgetPerDay),
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var secret = Form.Secret;
        if (string.IsNullOrEmpty(secret) && Editing && await configurations.SourceAsync(Form.Name) is { } stored)
            secret = stored.Secret.Reveal();
        var configuration = new SourceConfiguration
        {
            Name = Form.Name.Trim(),
            BaseUrl = Form.BaseUrl.Trim(),
            Principal = Form.Principal.Trim(),
            Secret = new Secret(secret ?? ""),
            PollIntervalSeconds = Errors.Integer("pollIntervalSeconds", "Poll Interval (in seconds)", Form.PollIntervalSeconds, SourceConfiguration.DefaultPollIntervalSeconds),
            EventTypes = Form.EventTypes,
            ThreatStatuses = Form.ThreatStatuses,
            InitialRangeHours = Errors.Integer("initialRangeHours", "Initial Range (in hours)", Form.InitialRangeHours, SourceConfiguration.MaxInitialRangeHours),
            LookBackLimitHours = Errors.Integer("lookBackLimitHours", "Look-back Limit (in hours)", Form.LookBackLimitHours, 12),
            Tagging = Form.Tagging,
            RequestBudgetPerDay = Errors.Integer("requestBudgetPerDay", "Request Budget (per 24 hours)", Form.RequestBudgetPerDay, SourceConfiguration.ProofpointDailyAllowance),
        };
        if (!Errors.Any)
            Errors.AddRange(await configurations.SaveSourceAsync(configuration));
        if (Errors.Any)
        {
            Form.Secret = null;
            return Page();
        }
        TempData["Message"] = $"Saved '{configuration.Name}'. Credentials checked against {configuration.BaseUrl}: accepted.";
        return RedirectToPage("/Plugins");
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
