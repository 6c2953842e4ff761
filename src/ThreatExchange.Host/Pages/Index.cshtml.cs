using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ThreatExchange.Host.Pages;

/// <summary>The console opens where the user's walk-through starts: Settings &gt; Plugins.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Plugins");
}
