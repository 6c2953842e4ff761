using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThreatExchange.Engine.ReadSide;
using ThreatExchange.Host.Service;

namespace ThreatExchange.Host.Pages;

/// <summary>Threat IoCs: the catalog, searched and filtered, newest sighting first, with IoCs per hour over the last day.</summary>
public sealed class IocsModel(ReadSideStore store, ConfigurationService configurations, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Text { get; set; }
    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Source { get; set; }
    [BindProperty(SupportsGet = true)] public DateTime? Since { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int PageNumber { get; set; } = 1;

    public Page<CatalogRow> Results { get; private set; } = new([], 0);

    public IReadOnlyList<(DateTimeOffset Hour, string Type, int Count)> PerHour { get; private set; } = [];

    public IReadOnlyList<string> Sources { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public int Pages => Math.Max(1, (Results.Total + PageSize - 1) / PageSize);

    public async Task OnGetAsync()
    {
        Now = clock.GetUtcNow();
        PageNumber = Math.Max(1, PageNumber);
        DateTimeOffset? since = Since is { } local ? new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Utc)) : null;
        Results = await store.QueryCatalogAsync(new CatalogQuery(Blank(Type), Blank(Status), Blank(Source), Blank(Text), since, (PageNumber - 1) * PageSize, PageSize));
        PerHour = await store.FirstSeenPerHourAsync(Now.AddHours(-24));
        Sources = (await configurations.DirectoryAsync()).Sources;
    }

    /// <summary>This page's query string with one value changed, for the pager.</summary>
    public string Link(int page) => "/iocs" + QueryString.Create(new Dictionary<string, string?>
    {
        ["text"] = Text, ["type"] = Type, ["status"] = Status, ["source"] = Source,
        ["since"] = Since?.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture), ["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(p => !string.IsNullOrEmpty(p.Value)));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
