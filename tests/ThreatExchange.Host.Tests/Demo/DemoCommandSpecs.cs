using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ThreatExchange.Host.Tests.Demo;

/// <summary>The demo as a person runs it: a real process, its output read line by line, stopped with SIGINT.</summary>
public sealed partial class DemoCommandSpecs : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly string _data = Directory.CreateTempSubdirectory("te-demo-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [GeneratedRegex(@"Netskope simulator:\s+(\S+)")]
    private static partial Regex NetskopeLine();

    [GeneratedRegex(@"src/ThreatExchange\.Cli -- (\S+) te sources")]
    private static partial Regex PbmLine();

    [Fact]
    public async Task The_demo_shows_iocs_flowing_into_the_netskope_lists_and_stops_cleanly_on_sigint()
    {
        var host = Path.Combine(AppContext.BaseDirectory, "ThreatExchange.Host.dll");
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet", [host, "demo", "--data", _data]) { RedirectStandardOutput = true, RedirectStandardError = true },
        };
        var lines = new BlockingCollection<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Add(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        try
        {
            var seen = new List<string>();
            using var timeout = new CancellationTokenSource(Wait);
            while (!seen.Any(l => l.Contains("] shared: url list +", StringComparison.Ordinal)))
                seen.Add(lines.Take(timeout.Token));

            Assert.Contains(seen, l => l.Contains("[demo-tap] window ", StringComparison.Ordinal) && l.Contains("IoCs found", StringComparison.Ordinal));
            var netskope = new Uri(NetskopeLine().Match(string.Join('\n', seen)).Groups[1].Value);
            using var http = new HttpClient { BaseAddress = netskope };
            var lists = await http.GetFromJsonAsync<Dictionary<string, JsonElement>>("/_sim/urllists");
            Assert.True(lists!["proofpoint-urls"].GetProperty("urls").GetArrayLength() > 0);

            // The pbm command the demo printed shows the same IoCs.
            var pbmTarget = PbmLine().Match(string.Join('\n', seen)).Groups[1].Value;
            using var pbm = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "pbm.dll"), pbmTarget, "te", "iocs", "-n", "5"])
            {
                RedirectStandardOutput = true,
            })!;
            var iocs = (await pbm.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            await pbm.WaitForExitAsync();
            Assert.Equal(0, pbm.ExitCode);
            Assert.Matches(@"^Count: 5 of \d+$", iocs[^1]);

            using var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await interrupt.WaitForExitAsync();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(exit.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }
}
