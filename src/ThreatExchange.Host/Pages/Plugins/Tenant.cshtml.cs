using Microsoft.AspNetCore.Mvc;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Host.Service;
using ThreatExchange.Host.WebConsole;

namespace ThreatExchange.Host.Pages.Plugins;

public sealed class TenantForm
{
    public string Name { get; set; } = "";
    public string TenantUrl { get; set; } = "";
    public string? V2Token { get; set; }
    public string? V1Token { get; set; }
    public string UrlListName { get; set; } = "";
    public string UrlListType { get; set; } = UrlListTypes.Exact;
    public string? FileHashListName { get; set; }
    public string? UrlListCapMegabytes { get; set; } = TenantConfiguration.MaxUrlListCapMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public string? FileHashListCapMegabytes { get; set; } = TenantConfiguration.MaxFileHashListCapMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Create or edit a Netskope tenant: where its lists live and the tokens that reach them, never shown again.</summary>
public sealed class TenantModel(ConfigurationService configurations, SecretProtector protector) : FormPageModel<TenantForm>
{
    public static readonly IReadOnlyList<string> Fields =
        ["name", "tenantUrl", "v2Token", "v1Token", "urlListName", "urlListType", "fileHashListName", "urlListCapMegabytes", "fileHashListCapMegabytes"];

    public async Task<IActionResult> OnGetAsync(string? name)
    {
        if (name is null)
            return Page();
        if ((await configurations.DirectoryAsync()).Tenants.FirstOrDefault(t => t.Name == name) is not { } stored)
            return NotFound();
        Editing = true;
        Form = new TenantForm
        {
            Name = stored.Name, TenantUrl = stored.TenantUrl, UrlListName = stored.UrlListName, UrlListType = stored.UrlListType,
            FileHashListName = stored.FileHashListName,
            UrlListCapMegabytes = stored.UrlListCapMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            FileHashListCapMegabytes = stored.FileHashListCapMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var stored = Editing ? (await configurations.DirectoryAsync()).Tenants.FirstOrDefault(t => t.Name == Form.Name)?.Unprotect(protector) : null;
        var v1 = string.IsNullOrEmpty(Form.V1Token) ? stored?.V1Token : new Secret(Form.V1Token);
        var tenant = new TenantConfiguration
        {
            Name = Form.Name.Trim(),
            TenantUrl = Form.TenantUrl.Trim(),
            V2Token = string.IsNullOrEmpty(Form.V2Token) ? stored?.V2Token ?? new Secret("") : new Secret(Form.V2Token),
            V1Token = v1,
            UrlListName = Form.UrlListName.Trim(),
            UrlListType = Form.UrlListType,
            FileHashListName = string.IsNullOrWhiteSpace(Form.FileHashListName) ? null : Form.FileHashListName.Trim(),
            UrlListCapMegabytes = Errors.Integer("urlListCapMegabytes", "URL List Cap (in MB)", Form.UrlListCapMegabytes, TenantConfiguration.MaxUrlListCapMegabytes),
            FileHashListCapMegabytes = Errors.Integer("fileHashListCapMegabytes", "File Hash List Cap (in MB)", Form.FileHashListCapMegabytes, TenantConfiguration.MaxFileHashListCapMegabytes),
        };
        if (!Errors.Any)
            Errors.AddRange(await configurations.SaveTenantAsync(tenant));
        if (Errors.Any)
            return Page();
        TempData["Message"] = $"Saved tenant '{tenant.Name}'.";
        return RedirectToPage("/Plugins");
    }
}
