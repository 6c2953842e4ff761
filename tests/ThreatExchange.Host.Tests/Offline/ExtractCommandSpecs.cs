using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ThreatExchange.Host.Offline;

namespace ThreatExchange.Host.Tests.Offline;

public sealed class ExtractCommandSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("te-extract-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    private static async Task<(int Exit, string[] Lines, string Diagnostics)> Run(string path)
    {
        using var output = new MemoryStream();
        using var diagnostics = new StringWriter();
        var exit = await ExtractCommand.RunAsync(path, output, diagnostics, CancellationToken.None);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (exit, lines, diagnostics.ToString());
    }

    [Fact]
    public async Task Prints_one_json_object_per_ioc_sorted_by_type_then_value_with_exactly_the_agreed_fields()
    {
        var path = Write("""
            {"clicksBlocked":[
              {"url":"http://b.zz/x","threatTime":"2026-12-03T10:00:00Z","classification":"phish"},
              {"url":"http://a.zz/x","threatTime":"2026-12-03T10:00:01.5Z"}],
             "messagesDelivered":[{"messageTime":"2026-12-03T09:00:00Z","threatsInfoMap":[{"threat":"bad.zz","threatType":"url"},{"threat":"Example Threat","threatType":"url"}]}]}
            """);
        var (exit, lines, diagnostics) = await Run(path);

        Assert.Equal(0, exit);
        Assert.Equal(
            [
                """{"value":"bad.zz","type":"domain","threatStatus":"active","classification":"unknown","firstSeen":"2026-12-03T09:00:00.000Z","lastSeen":"2026-12-03T09:00:00.000Z","sightings":1,"eventTypes":["messagesDelivered"]}""",
                """{"value":"http://a.zz/x","type":"url","threatStatus":"active","classification":"unknown","firstSeen":"2026-12-03T10:00:01.500Z","lastSeen":"2026-12-03T10:00:01.500Z","sightings":1,"eventTypes":["clicksBlocked"]}""",
                """{"value":"http://b.zz/x","type":"url","threatStatus":"active","classification":"phish","firstSeen":"2026-12-03T10:00:00.000Z","lastSeen":"2026-12-03T10:00:00.000Z","sightings":1,"eventTypes":["clicksBlocked"]}""",
            ],
            lines);
        Assert.EndsWith("events=3 iocs=3 skipped=1" + Environment.NewLine, diagnostics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    [InlineData("{\"clicksBlocked\":[")]
    public async Task Input_that_is_not_a_json_object_exits_2_with_a_one_line_reason(string content)
    {
        var (exit, lines, diagnostics) = await Run(Write(content));
        Assert.Equal(2, exit);
        Assert.Empty(lines);
        Assert.Single(diagnostics.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_missing_file_exits_2_naming_it()
    {
        var (exit, _, diagnostics) = await Run(Path.Combine(_folder, "absent.json"));
        Assert.Equal(2, exit);
        Assert.Contains("absent.json", diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_executable_reads_standard_input_with_a_dash()
    {
        var host = Path.Combine(AppContext.BaseDirectory, "ThreatExchange.Host.dll");
        var start = new ProcessStartInfo("dotnet", [host, "extract", "-"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync("""{"clicksPermitted":[{"url":"HTTP://A.zz:80/p#x","clickTime":"2026-12-03T10:00:00Z"}]}""");
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        using var line = JsonDocument.Parse(output.Trim());
        Assert.Equal("http://a.zz/p", line.RootElement.GetProperty("value").GetString());
        Assert.Equal("events=1 iocs=1 skipped=0", errors.Trim());
    }
}
