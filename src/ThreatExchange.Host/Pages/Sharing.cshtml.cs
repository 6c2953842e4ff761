using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Host.Service;

namespace ThreatExchange.Host.Pages;

/// <summary>Sharing: each rule from a Proofpoint configuration to a Netskope tenant, what its lists hold and its last push.</summary>
public sealed class SharingModel(ConfigurationService configurations, IRequiredActor<SharingRegion> sharing) : PageModel
{
    public sealed record RuleView(SharingRule Rule, StoredTenant? Tenant, SharingReplies.Status Status);

    public IReadOnlyList<RuleView> Rules { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync()
    {
        var listing = await configurations.DirectoryAsync();
        Rules = await Task.WhenAll(listing.Rules.Select(async rule => new RuleView(rule, listing.Tenants.FirstOrDefault(t => t.Name == rule.Tenant),
            await sharing.ActorRef.Ask<SharingReplies.Status>(new SharingQueries.GetStatus(rule.Name), TimeSpan.FromSeconds(15)))));
    }

    public async Task<IActionResult> OnPostDeleteAsync(string name)
    {
        var errors = await configurations.DeleteRuleAsync(name);
        Message = errors.Count > 0 ? string.Join(" ", errors.Select(e => e.Message)) : $"Rule '{name}' deleted.";
        return RedirectToPage();
    }
}
