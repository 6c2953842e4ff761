using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThreatExchange.Engine.ReadSide;

namespace ThreatExchange.Host.Pages.Iocs;

/// <summary>One IoC: when and how often it was seen, by which sources, where it was shared, and whether it was retracted.</summary>
public sealed class DetailModel(ReadSideStore store) : PageModel
{
    public CatalogRow Ioc { get; private set; } = null!;

    public bool Retracted => Ioc.Status is "falsePositive" or "cleared";

    public async Task<IActionResult> OnGetAsync(string value)
    {
        if (await store.FindAsync(value) is not { } ioc)
            return NotFound();
        Ioc = ioc;
        return Page();
    }
}
