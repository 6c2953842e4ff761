using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace ThreatExchange.Host.Tests.Console;

/// <summary>
/// The console as an operator uses it, in headless Chromium against a running demo: create a configuration through
/// the form, watch its IoCs arrive, filter them, open one, and find a Netskope failure in the log. Every page is
/// saved as a screenshot under the test output's <c>screenshots</c> folder.
/// </summary>
public sealed partial class ConsoleBrowserSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private readonly string _data = Directory.CreateTempSubdirectory("te-console-").FullName;
    private readonly BlockingCollection<string> _lines = new();
    private Process _demo = null!;
    private Uri _console = null!;
    private Uri _tap = null!;
    private Uri _netskope = null!;

    [GeneratedRegex(@"Proofpoint TAP simulator:\s+(\S+)")]
    private static partial Regex TapLine();

    [GeneratedRegex(@"Netskope simulator:\s+(\S+)")]
    private static partial Regex NetskopeLine();

    [GeneratedRegex(@"Web console:\s+(\S+)")]
    private static partial Regex ConsoleLine();

    public Task InitializeAsync()
    {
        _demo = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ThreatExchange.Host.dll"), "demo", "--data", _data])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            },
        };
        _demo.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Add(e.Data); };
        _demo.Start();
        _demo.BeginOutputReadLine();
        var seen = new List<string>();
        using var timeout = new CancellationTokenSource(Wait);
        // The demo is ready to look at once its first push reached the Netskope simulator.
        while (!seen.Any(l => l.Contains("] shared: url list +", StringComparison.Ordinal)))
            seen.Add(_lines.Take(timeout.Token));
        var text = string.Join('\n', seen);
        (_tap, _netskope, _console) = (new Uri(TapLine().Match(text).Groups[1].Value), new Uri(NetskopeLine().Match(text).Groups[1].Value),
            new Uri(ConsoleLine().Match(text).Groups[1].Value));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (!_demo.HasExited)
        {
            _demo.Kill(entireProcessTree: true);
            await _demo.WaitForExitAsync();
        }
        _demo.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task An_operator_creates_a_source_sees_its_iocs_filters_and_opens_one_and_finds_a_netskope_failure_in_the_log()
    {
        using var browser = new Browser(_console, Path.Combine(AppContext.BaseDirectory, "screenshots"));
        output.WriteLine($"screenshots: {browser.Screenshots}");

        // Settings > Plugins: the demo's configuration and tenant are listed.
        browser.Open("/");
        Assert.EndsWith("/plugins", browser.Driver.Url, StringComparison.Ordinal);
        browser.Until(() => browser.FindAll("tr[data-source='demo-tap']").Count == 1, "the demo source is listed");
        Assert.Contains("demo-netskope", browser.Find("#tenants").Text, StringComparison.Ordinal);
        browser.Screenshot("01-plugins");

        // A new configuration: an initial range beyond 12 hours is refused beside its field, nothing is saved.
        browser.Go("#new-source");
        browser.Type("#name", "browser-tap");
        browser.Type("#baseUrl", _tap.ToString());
        browser.Type("#principal", "sim-principal");
        browser.Type("#secret", "sim-secret");
        browser.Type("#initialRangeHours", "13");
        browser.Go("#save");
        Assert.Contains("Initial Range (in hours) must be an integer in range 1 to 12.", browser.Find("#error-initialRangeHours").Text, StringComparison.Ordinal);
        Assert.Equal("", browser.Find("#secret").GetAttribute("value"));
        browser.Screenshot("02-source-invalid-initial-range");

        // A wrong secret is caught by the credential check on save, beside the principal.
        browser.Type("#initialRangeHours", "2");
        browser.Type("#secret", "not-the-secret");
        browser.Go("#save");
        Assert.Contains("credentials", browser.Find("#error-principal").Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", browser.Find("#error-initialRangeHours").Text);

        // The right one saves, and the list shows the new source polling.
        browser.Type("#secret", "sim-secret");
        browser.Go("#save");
        Assert.EndsWith("/plugins", browser.Driver.Url, StringComparison.Ordinal);
        Assert.Contains("Credentials checked", browser.Find("#notice").Text, StringComparison.Ordinal);
        browser.Until(() => browser.FindAll("tr[data-source='browser-tap']").Count == 1, "the new source is listed");
        Assert.DoesNotContain("sim-secret", browser.Driver.PageSource, StringComparison.Ordinal);
        browser.Screenshot("03-plugins-with-new-source");

        // Threat IoCs: the new source's IoCs arrive; filtered to its URLs, every row is one.
        browser.Open("/iocs");
        browser.Choose("#source", "browser-tap");
        browser.Choose("#type", "url");
        browser.Go("#filter");
        browser.Until(() => browser.FindAll("tr.ioc").Count > 0, "IoCs of browser-tap appear");
        Assert.All(browser.Read("tr.ioc", "data-type"), type => Assert.Equal("url", type));
        Assert.All(browser.Read("tr.ioc td:nth-child(7)"), sources => Assert.Contains("browser-tap", sources, StringComparison.Ordinal));
        Assert.Matches(@"^\d+ IoCs match", browser.Read("#ioc-count")[0]);
        Assert.NotEmpty(browser.FindAll("#chart-iocs-per-hour rect[fill]"));
        browser.Screenshot("04-iocs-filtered");

        // One IoC in detail: its sources include the new configuration.
        // Read, not held: the table refreshes itself and would leave a held element stale.
        var value = browser.Read("tr.ioc td a")[0];
        browser.Open(browser.Read("tr.ioc td a", "href")[0]);
        Assert.Equal(value, browser.Read("#detail-value")[0].Trim());
        Assert.Contains("browser-tap", browser.Read("#detail-sources")[0], StringComparison.Ordinal);
        Assert.NotEqual("", browser.Read("#detail-retraction")[0].Trim());
        browser.Screenshot("05-ioc-detail");

        // Netskope starts failing; a new tenant and rule made through the forms try to share and fail.
        using (var http = new HttpClient { BaseAddress = _netskope })
            (await http.PostAsJsonAsync("/_sim/faults", new { errorRate = 1.0 })).EnsureSuccessStatusCode();
        browser.Open("/plugins/tenant");
        browser.Type("#name", "failing-tenant");
        browser.Type("#tenantUrl", _netskope.ToString());
        browser.Type("#v2Token", "sim-v2-token");
        browser.Type("#v1Token", "sim-v1-token");
        browser.Type("#urlListName", "browser-urls");
        browser.Type("#fileHashListName", "browser-hashes");
        browser.Screenshot("06-tenant-form");
        browser.Go("#save");
        Assert.Contains("Saved tenant 'failing-tenant'", browser.Find("#notice").Text, StringComparison.Ordinal);
        browser.Open("/sharing/rule");
        browser.Type("#name", "browser-to-failing");
        browser.Choose("#source", "browser-tap");
        browser.Choose("#tenant", "failing-tenant");
        browser.Screenshot("07-rule-form");
        browser.Go("#save");
        Assert.EndsWith("/sharing", browser.Driver.Url, StringComparison.Ordinal);
        // No reload: the page refreshes its own table while it is open, and the failure shows up in it.
        Assert.Empty(browser.FindAll("tr[data-rule='browser-to-failing'] .pill.error"));
        browser.Until(() => browser.FindAll("tr[data-rule='browser-to-failing'] .pill.error").Count == 1, "the rule shows its last error", reload: false);
        browser.Screenshot("08-sharing");

        // Logging: the failure is there, filtered to the rule and to errors.
        browser.Open("/logging");
        browser.Choose("#configuration", "browser-to-failing");
        browser.Choose("#level", "error");
        browser.Go("#filter");
        browser.Until(() => browser.Read("tr.log-entry").Any(r => r.Contains("share-failed", StringComparison.Ordinal)), "the Netskope failure is logged");
        Assert.All(browser.Read("tr.log-entry", "data-level"), level => Assert.Equal("error", level));
        Assert.Contains("503", browser.Read("#log-table")[0], StringComparison.Ordinal);
        browser.Screenshot("09-logging-netskope-failure");

        // Cluster: this one node, Up, holding both sources.
        browser.Open("/cluster");
        Assert.Contains("Up", Assert.Single(browser.Read("tr.member")), StringComparison.Ordinal);
        browser.Until(() => browser.Find("#cluster-sources").Text.Contains("browser-tap", StringComparison.Ordinal), "the cluster page lists the sources");
        browser.Screenshot("10-cluster");
    }
}
