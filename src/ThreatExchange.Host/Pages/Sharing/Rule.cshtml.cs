using Microsoft.AspNetCore.Mvc;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Iocs;
using ThreatExchange.Host.Service;
using ThreatExchange.Host.WebConsole;

namespace ThreatExchange.Host.Pages.Sharing;

public sealed class RuleForm
{
    public string Name { get; set; } = "";
    public string Source { get; set; } = "";
    public string Tenant { get; set; } = "";
    public List<string> IocTypes { get; set; } = [];
    public List<string> Statuses { get; set; } = [ThreatStatus.Active.ToWire()];
    public List<string> Classifications { get; set; } = [];
    public List<string> Actions { get; set; } = [.. SharingActions.All];
    public string? MaxAgeDays { get; set; } = SharingRule.DefaultMaxAgeDays.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Create or edit a sharing rule: which IoCs of a source go to which tenant's lists.</summary>
public sealed class RuleModel(ConfigurationService configurations) : FormPageModel<RuleForm>
{
    public static readonly IReadOnlyList<string> Fields = ["name", "source", "tenant", "iocTypes", "statuses", "classifications", "actions", "maxAgeDays"];

    public IReadOnlyList<string> Sources { get; private set; } = [];

    public IReadOnlyList<string> Tenants { get; private set; } = [];

    private async Task LoadChoices()
    {
        var listing = await configurations.DirectoryAsync();
        Sources = listing.Sources;
        Tenants = listing.Tenants.Select(t => t.Name).ToList();
    }

    public async Task<IActionResult> OnGetAsync(string? name)
    {
        await LoadChoices();
        if (name is null)
            return Page();
        if ((await configurations.DirectoryAsync()).Rules.FirstOrDefault(r => r.Name == name) is not { } rule)
            return NotFound();
        Editing = true;
        Form = new RuleForm
        {
            Name = rule.Name, Source = rule.Source, Tenant = rule.Tenant, IocTypes = [.. rule.IocTypes], Statuses = [.. rule.Statuses],
            Classifications = [.. rule.Classifications], Actions = [.. rule.Actions],
            MaxAgeDays = rule.MaxAgeDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var rule = new SharingRule
        {
            Name = Form.Name.Trim(), Source = Form.Source, Tenant = Form.Tenant, IocTypes = Form.IocTypes, Statuses = Form.Statuses,
            Classifications = Form.Classifications, Actions = Form.Actions,
            MaxAgeDays = Errors.Integer("maxAgeDays", "Maximum Age (in days)", Form.MaxAgeDays, SharingRule.DefaultMaxAgeDays),
        };
        if (!Errors.Any)
            Errors.AddRange(await configurations.SaveRuleAsync(rule));
        if (Errors.Any)
        {
            await LoadChoices();
            return Page();
        }
        TempData["Message"] = $"Saved rule '{rule.Name}': {rule.Source} → {rule.Tenant}.";
        return RedirectToPage("/Sharing");
    }
}
