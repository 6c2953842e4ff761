using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThreatExchange.Engine.ReadSide;
using ThreatExchange.Host.Service;

namespace ThreatExchange.Host.Pages;

/// <summary>Logging: the audit log of every poll, gap, push and failure, filtered by configuration, level and time.</summary>
public sealed class LoggingModel(ReadSideStore store, ConfigurationService configurations) : PageModel
{
    public static readonly IReadOnlyList<string> Levels = ["info", "warning", "error"];

    [BindProperty(SupportsGet = true)] public string? Configuration { get; set; }
    [BindProperty(SupportsGet = true)] public string? Level { get; set; }
    [BindProperty(SupportsGet = true)] public DateTime? Since { get; set; }

    public IReadOnlyList<AuditRow> Entries { get; private set; } = [];

    public IReadOnlyList<string> Configurations { get; private set; } = [];

    public async Task OnGetAsync()
    {
        DateTimeOffset? since = Since is { } local ? new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Utc)) : null;
        Entries = await store.QueryAuditAsync(new AuditQuery(
            string.IsNullOrWhiteSpace(Configuration) ? null : Configuration, string.IsNullOrWhiteSpace(Level) ? null : Level, since, 500));
        var listing = await configurations.DirectoryAsync();
        Configurations = [.. listing.Sources, .. listing.Rules.Select(r => r.Name)];
    }
}
