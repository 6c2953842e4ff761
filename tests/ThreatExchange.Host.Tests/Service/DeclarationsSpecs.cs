using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.DependencyInjection;
using ThreatExchange.Host.Service;
using ThreatExchange.Simulators.Proofpoint;

namespace ThreatExchange.Host.Tests.Service;

public sealed class DeclarationsSpecs : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("te-decl-").FullName;
    private readonly string _variable = "TE_TEST_SECRET_" + Guid.NewGuid().ToString("N");
    private ProofpointSimulator _tap = null!;

    private string Config => Path.Combine(_data, "config");

    public async Task InitializeAsync()
    {
        _tap = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 6, ThreatsPerHour = 30 });
        Directory.CreateDirectory(Config);
        await File.WriteAllTextAsync(Path.Combine(Config, "prod.json"), $$"""
            {
              "sources": [{ "name": "declared", "baseUrl": "{{_tap.BaseUrl}}", "principal": "sim-principal", "secret": "${{{_variable}}}", "initialRangeHours": 1 }],
              "tenants": [{ "name": "netskope", "tenantUrl": "http://127.0.0.1:9", "v2Token": "${{{_variable}}}", "urlListName": "urls" }],
              "sharing": [{ "name": "declared-to-netskope", "source": "declared", "tenant": "netskope", "actions": ["url-list"] }]
            }
            """);
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        await _tap.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private ServiceOptions Options => new() { DataFolder = Path.Combine(_data, "data"), ApiUrl = "http://127.0.0.1:0", CommandUrl = "http://127.0.0.1:0", DeclarationsFolder = Config };

    [Fact]
    public async Task Declared_configuration_is_applied_at_start_and_applying_it_again_changes_nothing()
    {
        Environment.SetEnvironmentVariable(_variable, "sim-secret");
        for (var start = 0; start < 2; start++)
        {
            await using var app = ServiceCommand.Build(Options);
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var kit = new TestKit(app.Services.GetRequiredService<ActorSystem>());
            await kit.AwaitAssertAsync(async () =>
            {
                var configured = await http.GetFromJsonAsync<JsonElement>("/api/audit?configuration=declared");
                Assert.Single(configured.EnumerateArray(), a => a.GetProperty("kind").GetString() == "configuration");
                Assert.Contains(configured.EnumerateArray(), a => a.GetProperty("kind").GetString() == "poll");
            }, TimeSpan.FromSeconds(60));
            var sharing = await http.GetStringAsync("/api/sharing");
            Assert.Contains("declared-to-netskope", sharing, StringComparison.Ordinal);
            Assert.DoesNotContain("sim-secret", await http.GetStringAsync("/api/tenants"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_missing_secret_variable_stops_the_start_naming_the_field()
    {
        await using var app = ServiceCommand.Build(Options);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
        Assert.Contains($"sources.0.secret refers to the environment variable {_variable}, which is not set.", error.Message, StringComparison.Ordinal);
    }
}
