using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ThreatExchange.Simulators.Proofpoint;

namespace ThreatExchange.Simulators.Tests.Proofpoint;

/// <summary>The simulator as a client sees it: plain HTTP, no code of the project under test.</summary>
public sealed class ProofpointSimulatorSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static HttpClient Client(ProofpointSimulator simulator, string secret = "sim-secret", string principal = "sim-principal")
    {
        var http = new HttpClient { BaseAddress = simulator.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{principal}:{secret}")));
        return http;
    }

    private static string Interval(DateTimeOffset from, DateTimeOffset to) =>
        Uri.EscapeDataString($"{from:yyyy-MM-dd'T'HH:mm:ss'Z'}/{to:yyyy-MM-dd'T'HH:mm:ss'Z'}");

    private static async Task<int> EventCount(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return new[] { "messagesDelivered", "messagesBlocked", "clicksPermitted", "clicksBlocked" }.Sum(k => json.RootElement.GetProperty(k).GetArrayLength());
    }

    [Fact]
    public async Task The_same_seed_serves_the_same_bytes_from_separate_instances()
    {
        var clock = new FakeTimeProvider(Now);
        await using var a = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 11, Clock = clock });
        await using var b = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 11, Clock = clock });
        var query = $"/v2/siem/all?format=json&interval={Interval(Now.AddHours(-3), Now.AddHours(-2))}";
        Assert.Equal(await Client(a).GetStringAsync(query), await Client(b).GetStringAsync(query));
    }

    [Fact]
    public async Task With_any_principal_each_gets_its_own_threats_and_its_own_allowance_and_a_wrong_secret_still_fails()
    {
        var clock = new FakeTimeProvider(Now);
        await using var simulator = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions
        {
            Seed = 3, ThreatsPerHour = 100, Clock = clock, AnyPrincipal = true, DataPerPrincipal = true, DailyAllowance = 2,
        });
        var query = $"/v2/siem/all?format=json&interval={Interval(Now.AddHours(-3), Now.AddHours(-2))}";
        var first = await Client(simulator, principal: "tenant-a").GetStringAsync(query);
        Assert.Equal(first, await Client(simulator, principal: "tenant-a").GetStringAsync(query));
        Assert.NotEqual(first, await Client(simulator, principal: "tenant-b").GetStringAsync(query));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Client(simulator, principal: "tenant-a").GetAsync(query)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(simulator, principal: "tenant-b").GetAsync(query)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(simulator, secret: "wrong", principal: "tenant-c").GetAsync(query)).StatusCode);
    }

    [Fact]
    public async Task Late_indexed_events_appear_only_after_their_index_delay()
    {
        var clock = new FakeTimeProvider(Now);
        await using var simulator = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 5, ThreatsPerHour = 200, Clock = clock });
        var from = Now.AddMinutes(-40);
        var to = Now.AddMinutes(-5);
        var query = $"/v2/siem/all?format=json&interval={Interval(from, to)}&threatStatus=active&threatStatus=cleared&threatStatus=falsePositive";

        var early = await EventCount(await Client(simulator).GetAsync(query));
        clock.Advance(TimeSpan.FromHours(1));
        var late = await EventCount(await Client(simulator).GetAsync(query));

        Assert.True(late > early, $"Expected more events once indexed: {early} then {late}.");
        Assert.Equal(late, simulator.Generator.EventsBetween(from, to).Count());
    }

    [Theory]
    [InlineData("format=json&interval=2026-12-03T10:00:00Z/2026-12-03T10:00:10Z", "Requests must be for at least 30.00s of data")]
    [InlineData("format=json&interval=2026-12-03T09:00:00Z/2026-12-03T10:30:00Z", "Requests must be for no more than 1.00h of data")]
    [InlineData("format=json&interval=2026-12-03T11:30:00Z/2026-12-03T12:30:00Z", "ends in the future")]
    [InlineData("format=json&interval=2026-12-03T11:30:00Z/2026-12-03T11:59:30Z", "still current")]
    [InlineData("format=json&interval=2026-11-20T11:00:00Z/2026-11-20T12:00:00Z", "too far into the past. Requests for information up to 7.00d are accepted")]
    [InlineData("format=json", "Exactly one of interval, sinceSeconds or sinceTime")]
    [InlineData("format=json&sinceSeconds=7200", "sinceSeconds parameter must be an integer from 1 to 3600")]
    [InlineData("format=json&interval=2026-12-03T10:00:00Z/2026-12-03T11:00:00Z&threatStatus=gone", "threatStatus parameter value 'gone' is invalid")]
    [InlineData("interval=2026-12-03T10:00:00Z/2026-12-03T11:00:00Z", "format parameter is required")]
    public async Task Parameter_rules_answer_400_with_proofpoints_wording(string query, string text)
    {
        await using var simulator = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Clock = new FakeTimeProvider(Now) });
        var response = await Client(simulator).GetAsync("/v2/siem/all?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(text, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("format=JSON&sinceSeconds=1")]
    [InlineData("format=json&interval=PT30M/2026-12-03T11:00:00Z")]
    [InlineData("format=json&sinceTime=2026-12-03T11:30:00Z")]
    public async Task The_other_documented_time_forms_are_accepted(string query)
    {
        await using var simulator = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Clock = new FakeTimeProvider(Now), StillCurrentMargin = TimeSpan.Zero });
        var response = await Client(simulator).GetAsync("/v2/siem/all?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Bad_credentials_get_401_and_a_spent_pool_429_with_retry_after()
    {
        var clock = new FakeTimeProvider(Now);
        await using var simulator = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { DailyAllowance = 2, Clock = clock });
        const string query = "/v2/siem/all?format=json&sinceSeconds=60";
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(simulator, "wrong").GetAsync(query)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(simulator).GetAsync(query)).StatusCode);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, (await Client(simulator).GetAsync(query)).StatusCode);

        var throttled = await Client(simulator).GetAsync(query);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromHours(23), throttled.Headers.RetryAfter?.Delta);

        clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(HttpStatusCode.OK, (await Client(simulator).GetAsync(query)).StatusCode);
    }

    [Fact]
    public async Task Per_type_endpoints_serve_only_their_key_and_truth_lists_every_valid_ioc_once()
    {
        var clock = new FakeTimeProvider(Now);
        await using var simulator = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Clock = clock });
        var body = await Client(simulator).GetStringAsync($"/v2/siem/clicks/blocked?format=json&interval={Interval(Now.AddHours(-3), Now.AddHours(-2))}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(["queryEndTime", "clicksBlocked"], json.RootElement.EnumerateObject().Select(p => p.Name));

        var truth = simulator.Generator.Truth(Now.AddHours(-3), Now.AddHours(-2));
        Assert.NotEmpty(truth);
        Assert.Equal(truth.Count, truth.Select(t => (t.Type, t.Value)).Distinct().Count());
        Assert.Contains(truth, t => t.Type == "md5");
        Assert.Contains(truth, t => t.Type == "domain");
    }

    [Fact]
    public async Task Faults_can_be_switched_while_running()
    {
        await using var simulator = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions { Clock = new FakeTimeProvider(Now) });
        var http = Client(simulator);
        var set = await http.PostAsync("/_sim/faults", new StringContent("""{"errorRate":1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await http.GetAsync("/v2/siem/all?format=json&sinceSeconds=60")).StatusCode);
        await http.PostAsync("/_sim/faults", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/siem/all?format=json&sinceSeconds=60")).StatusCode);
    }
}
