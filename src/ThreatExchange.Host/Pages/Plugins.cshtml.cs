using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Host.Service;

namespace ThreatExchange.Host.Pages;

/// <summary>Settings &gt; Plugins: the Proofpoint configurations and the Netskope tenants, with their state.</summary>
public sealed class PluginsModel(ConfigurationService configurations, SourceStatusReader reader) : PageModel
{
    public IReadOnlyList<SourceView> Sources { get; private set; } = [];

    public IReadOnlyList<StoredTenant> Tenants { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync()
    {
        var listing = await configurations.DirectoryAsync();
        Sources = await reader.ReadAllAsync(listing.Sources);
        Tenants = listing.Tenants;
    }

    public async Task<IActionResult> OnPostDeleteSourceAsync(string name)
    {
        await configurations.DeleteSourceAsync(name);
        Message = $"Configuration '{name}' deleted.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteTenantAsync(string name)
    {
        var errors = await configurations.DeleteTenantAsync(name);
        Message = errors.Count > 0 ? string.Join(" ", errors.Select(e => e.Message)) : $"Tenant '{name}' deleted.";
        return RedirectToPage();
    }
}
