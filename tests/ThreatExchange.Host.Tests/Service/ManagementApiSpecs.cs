using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ThreatExchange.Engine.Persistence;
using ThreatExchange.Host.Service;
using ThreatExchange.Tests;
using ThreatExchange.Simulators.Proofpoint;

namespace ThreatExchange.Host.Tests.Service;

/// <summary>
/// The management API on real Kestrel over loopback, with the engine behind it and the TAP simulator as Proofpoint;
/// the catalog and audit it serves come from either journal.
/// </summary>
public abstract class ManagementApiSpecs(JournalKind kind) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly string _data = Directory.CreateTempSubdirectory("te-api-").FullName;
    private ProofpointSimulator _tap = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _tap = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 4, ThreatsPerHour = 60, MaxIndexDelay = TimeSpan.FromMinutes(1) });
        var journal = kind == JournalKind.PostgreSql
            ? $"threat-exchange.journal {{ provider = postgresql, connection-string = \"{(await TestPostgres.CreateDatabaseAsync()).ConnectionString}\" }}"
            : null;
        (_app, _http) = await Start(new ServiceOptions { DataFolder = _data, ApiUrl = "http://127.0.0.1:0", CommandUrl = "http://127.0.0.1:0", AkkaSettings = journal });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _tap.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private static async Task<(WebApplication, HttpClient)> Start(ServiceOptions options)
    {
        var app = ServiceCommand.Build(options);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    private object Source(string name = "tap", int initialRange = 1) => new
    {
        name, baseUrl = _tap.BaseUrl.ToString(), principal = "sim-principal", secret = "sim-secret", initialRangeHours = initialRange,
    };

    [Fact]
    public async Task Health_and_readiness_answer()
    {
        Assert.Equal("ok", await _http.GetStringAsync("/healthz"));
        var kit = new TestKit(_app.Services.GetRequiredService<ActorSystem>());
        await kit.AwaitAssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/readyz")).StatusCode), Wait);
    }

    [Fact]
    public async Task A_source_is_created_polled_listed_and_deleted_and_its_secret_never_comes_back()
    {
        var created = await _http.PutAsJsonAsync("/api/sources/tap", Source());
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.DoesNotContain("sim-secret", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var kit = new TestKit(_app.Services.GetRequiredService<ActorSystem>());
        await kit.AwaitAssertAsync(async () =>
        {
            var iocs = await _http.GetFromJsonAsync<JsonElement>("/api/iocs?source=tap&limit=5");
            Assert.True(iocs.GetProperty("total").GetInt32() > 0);
            Assert.Equal(5, iocs.GetProperty("items").GetArrayLength());
        }, Wait);
        await kit.AwaitAssertAsync(async () =>
        {
            var metrics = await _http.GetStringAsync("/metrics");
            Assert.Contains("te_windows_completed_total{", metrics, StringComparison.Ordinal);
            Assert.Contains("te_source_lag_seconds{source=\"tap\"}", metrics, StringComparison.Ordinal);
            Assert.Contains("te_budget_left{", metrics, StringComparison.Ordinal);
        }, Wait);
        var list = await _http.GetStringAsync("/api/sources");
        Assert.Contains("\"sourceName\":\"tap\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain("sim-secret", list, StringComparison.Ordinal);
        var audit = await _http.GetFromJsonAsync<JsonElement>("/api/audit?configuration=tap");
        Assert.Contains(audit.EnumerateArray(), a => a.GetProperty("kind").GetString() == "poll");

        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync("/api/sources/tap")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/sources/tap")).StatusCode);
    }

    [Fact]
    public async Task Invalid_configuration_answers_problem_json_with_one_entry_per_field()
    {
        var response = await _http.PutAsJsonAsync("/api/sources/bad", new { name = "bad", principal = "", secret = "", initialRangeHours = 13, pollIntervalSeconds = 10 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal("Initial Range (in hours) must be an integer in range 1 to 12.", errors.GetProperty("initialRangeHours")[0].GetString());
        Assert.Equal("Service Principal (Username) is a required configuration parameter.", errors.GetProperty("principal")[0].GetString());
        Assert.True(errors.TryGetProperty("pollIntervalSeconds", out _));
        Assert.True(errors.TryGetProperty("secret", out _));
    }

    [Fact]
    public async Task Saving_a_source_checks_its_credentials_with_one_small_request()
    {
        var wrongSecret = await _http.PutAsJsonAsync("/api/sources/wrong", new { name = "wrong", baseUrl = _tap.BaseUrl.ToString(), principal = "sim-principal", secret = "nope" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongSecret.StatusCode);
        var errors = (await wrongSecret.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("verify the principal and secret", errors.GetProperty("principal")[0].GetString(), StringComparison.Ordinal);

        var closed = await _http.PutAsJsonAsync("/api/sources/nowhere", new { name = "nowhere", baseUrl = "http://127.0.0.1:1", principal = "p", secret = "s" });
        Assert.Equal(HttpStatusCode.BadRequest, closed.StatusCode);
        Assert.Contains("Verify the Base URL", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("baseUrl")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/sources/wrong")).StatusCode);
    }

    [Fact]
    public async Task Sharing_back_to_a_source_is_refused_by_the_api()
    {
        await _http.PutAsJsonAsync("/api/sources/tap2", Source("tap2"));
        var response = await _http.PutAsJsonAsync("/api/sharing/back", new { name = "back", source = "tap2", tenant = "tap2" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Sharing IoCs to Proofpoint is not supported.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_token_every_call_but_health_needs_it()
    {
        var data = Directory.CreateTempSubdirectory("te-api-token-").FullName;
        var (app, http) = await Start(new ServiceOptions { DataFolder = data, ApiUrl = "http://127.0.0.1:0", CommandUrl = "http://127.0.0.1:0", ApiToken = "s3cret" });
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/iocs")).StatusCode);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/iocs")).StatusCode);
        }
        finally
        {
            http.Dispose();
            await app.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void Binding_beyond_loopback_without_a_token_is_refused()
    {
        Assert.Contains("without TE_API_TOKEN", new ServiceOptions { ApiUrl = "http://0.0.0.0:8080" }.Refusal(), StringComparison.Ordinal);
        Assert.Null(new ServiceOptions { ApiUrl = "http://0.0.0.0:8080", ApiToken = "t" }.Refusal());
        Assert.Null(new ServiceOptions().Refusal());
    }
}

public sealed class ManagementApiSpecsOnSqlite() : ManagementApiSpecs(JournalKind.Sqlite);

public sealed class ManagementApiSpecsOnPostgreSql() : ManagementApiSpecs(JournalKind.PostgreSql);
