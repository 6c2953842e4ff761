using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreatExchange.Domain.Iocs;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Proofpoint.Budget;
using ThreatExchange.Proofpoint.Client;
using ThreatExchange.Proofpoint.Extraction;
using ThreatExchange.Proofpoint.Windows;
using ThreatExchange.Simulators.Proofpoint;

namespace ThreatExchange.Proofpoint.Tests.Client;

/// <summary>The client against the TAP simulator over real loopback HTTP.</summary>
public sealed class TapClientSpecs
{
    private static readonly DateTimeOffset HourStart = StartOfHour(DateTimeOffset.UtcNow.AddHours(-3));
    private static readonly PollWindow IndexedHour = new(HourStart, HourStart.AddHours(1));

    private static TapClient Client(Uri baseUrl, ITapRequestGate? gate = null, string secret = "sim-secret", TimeSpan? timeout = null, int attempts = 3) =>
        new(new TapClientOptions
        {
            BaseUrl = baseUrl,
            Principal = "sim-principal",
            Secret = new Secret(secret),
            RequestTimeout = timeout ?? TimeSpan.FromSeconds(10),
            MaxAttempts = attempts,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        }, gate ?? Gate(), TimeProvider.System);

    private static LocalRequestGate Gate(int allowance = 1800) => new(RequestBudget.WithAllowance(allowance), TimeProvider.System);

    private static async Task<TapException> Failing(TapClient client, PollWindow window) =>
        await Assert.ThrowsAsync<TapException>(() => client.FetchAsync(window, new IocExtractor()));

    [Fact]
    public async Task A_fully_indexed_hour_yields_exactly_the_simulators_truth()
    {
        // 200 events an hour: the chance of an hour without a placeholder threat (10% of message threats) is about 1e-9.
        await using var sim = await RunningSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 7, ThreatsPerHour = 200 });
        using var client = Client(sim.BaseUrl);

        var result = await client.FetchAsync(IndexedHour, new IocExtractor());
        var truth = await sim.TruthAsync(IndexedHour.Start, IndexedHour.End);

        Assert.NotEmpty(truth);
        Assert.Equal(
            truth.Select(t => (t.Type, t.Value, t.ThreatStatus, t.Classification, t.FirstSeen, t.LastSeen, t.Sightings)),
            result.Iocs.Select(i => (i.Type.ToWire(), i.Value, i.Status.ToWire(), i.Classification.ToWire(), i.FirstSeen, i.LastSeen, i.Sightings)));
        Assert.True(result.SkippedCount > 0, "The simulator mixes in placeholder threats, which must be skipped.");
    }

    [Fact]
    public void Requests_use_an_explicit_utc_interval_and_repeat_threat_status()
    {
        using var client = Client(new Uri("https://tap-api-v2.proofpoint.com"));
        var window = new PollWindow(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 3, 11, 0, 0, TimeSpan.Zero));
        Assert.Equal(
            "https://tap-api-v2.proofpoint.com/v2/siem/all?format=json&interval=2026-12-03T10%3A00%3A00Z%2F2026-12-03T11%3A00%3A00Z&threatStatus=active&threatStatus=cleared&threatStatus=falsePositive",
            client.RequestUri(window).AbsoluteUri);
        Assert.StartsWith("ThreatExchange/", TapClient.UserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_credentials_say_to_verify_the_principal_and_secret()
    {
        await using var sim = await RunningSimulator.StartAsync();
        var error = await Failing(Client(sim.BaseUrl, secret: "wrong"), IndexedHour);
        Assert.Equal(TapErrorKind.Unauthorized, error.Kind);
        Assert.Contains("verify the principal and secret", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task A_window_shorter_than_30_seconds_is_a_bad_parameter_with_proofpoints_text()
    {
        await using var sim = await RunningSimulator.StartAsync();
        var error = await Failing(Client(sim.BaseUrl), new PollWindow(HourStart, HourStart.AddSeconds(10)));
        Assert.Equal(TapErrorKind.BadParameter, error.Kind);
        Assert.Contains("Requests must be for at least 30.00s of data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_start_beyond_the_look_back_limit_is_reported_as_such()
    {
        await using var sim = await RunningSimulator.StartAsync();
        var old = StartOfHour(DateTimeOffset.UtcNow.AddDays(-8));
        var error = await Failing(Client(sim.BaseUrl), new PollWindow(old, old.AddHours(1)));
        Assert.Equal(TapErrorKind.LookBackExceeded, error.Kind);
        Assert.Contains("too far into the past", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_window_ending_at_now_is_still_current_which_is_transient_not_a_failure()
    {
        await using var sim = await RunningSimulator.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var end = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddSeconds(-5);
        var error = await Failing(Client(sim.BaseUrl), new PollWindow(end.AddMinutes(-5), end));
        Assert.Equal(TapErrorKind.IntervalStillCurrent, error.Kind);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Server_errors_are_retried_a_bounded_number_of_times_each_attempt_spending_budget()
    {
        await using var sim = await RunningSimulator.StartAsync(new ProofpointSimulatorOptions { Faults = new TapFaults { ErrorRate = 1 } });
        var gate = Gate();
        var error = await Failing(Client(sim.BaseUrl, gate, attempts: 3), IndexedHour);

        Assert.Equal(TapErrorKind.ServerError, error.Kind);
        Assert.Equal(3, await sim.CountOf("500"));
        Assert.Equal(1797, gate.Budget.Remaining(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_transient_server_error_is_retried_into_success()
    {
        await using var sim = await RunningSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 3, Faults = new TapFaults { ErrorRate = 0.5 } });
        using var client = Client(sim.BaseUrl, attempts: 10);
        var outcomes = new List<bool>();
        for (var i = 0; i < 4; i++)
            outcomes.Add((await client.FetchAsync(IndexedHour, new IocExtractor())).Events > 0);
        Assert.All(outcomes, Assert.True);
        Assert.True(await sim.CountOf("500") > 0, "The simulator should have failed some attempts.");
    }

    [Fact]
    public async Task A_slow_answer_times_out_after_the_bounded_attempts()
    {
        await using var sim = await RunningSimulator.StartAsync(new ProofpointSimulatorOptions { Faults = new TapFaults { SlowRate = 1, SlowMilliseconds = 3_000 } });
        var error = await Failing(Client(sim.BaseUrl, timeout: TimeSpan.FromMilliseconds(300), attempts: 2), IndexedHour);
        Assert.Equal(TapErrorKind.Timeout, error.Kind);
        Assert.Equal(2, await sim.CountOf("slow"));
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task A_429_marks_the_budget_exhausted_and_the_next_request_is_not_sent()
    {
        await using var sim = await RunningSimulator.StartAsync(new ProofpointSimulatorOptions { Faults = new TapFaults { ThrottleRate = 1 } });
        var gate = Gate();
        using var client = Client(sim.BaseUrl, gate);

        var throttled = await Failing(client, IndexedHour);
        Assert.Equal(TapErrorKind.Throttled, throttled.Kind);
        Assert.Equal(1, await sim.CountOf("429"));
        Assert.NotNull(gate.Budget.ThrottledUntil);
        // Retry-After: 60 is shorter than the first back-off, which therefore stands.
        Assert.InRange(gate.Budget.ThrottledUntil!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));

        var held = await Failing(client, IndexedHour);
        Assert.Equal(TapErrorKind.BudgetExhausted, held.Kind);
        Assert.Equal(1, await sim.CountOf("/v2/siem/all"));
    }

    [Fact]
    public async Task The_simulators_daily_allowance_answers_429_with_a_retry_after_the_budget_honours()
    {
        await using var sim = await RunningSimulator.StartAsync(new ProofpointSimulatorOptions { DailyAllowance = 2 });
        var gate = Gate();
        using var client = Client(sim.BaseUrl, gate);
        await client.FetchAsync(IndexedHour, new IocExtractor());
        await client.FetchAsync(IndexedHour, new IocExtractor());

        Assert.Equal(TapErrorKind.Throttled, (await Failing(client, IndexedHour)).Kind);
        Assert.InRange(gate.Budget.ThrottledUntil!.Value - DateTimeOffset.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task A_spent_local_budget_sends_nothing_and_says_when_the_next_request_may_go()
    {
        await using var sim = await RunningSimulator.StartAsync();
        using var client = Client(sim.BaseUrl, Gate(allowance: 1));
        await client.FetchAsync(IndexedHour, new IocExtractor());

        var error = await Failing(client, IndexedHour);
        Assert.Equal(TapErrorKind.BudgetExhausted, error.Kind);
        Assert.NotNull(error.RetryNotBefore);
        Assert.Equal(1, await sim.CountOf("/v2/siem/all"));
    }

    [Fact]
    public async Task A_truncated_body_is_a_malformed_answer_to_read_again()
    {
        await using var sim = await RunningSimulator.StartAsync(new ProofpointSimulatorOptions { ThreatsPerHour = 400, Faults = new TapFaults { MalformedRate = 1 } });
        var error = await Failing(Client(sim.BaseUrl), IndexedHour);
        Assert.Equal(TapErrorKind.MalformedBody, error.Kind);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Json_labelled_text_plain_is_read_like_any_json()
    {
        await using var sim = await RunningSimulator.StartAsync(new ProofpointSimulatorOptions { Seed = 7, ThreatsPerHour = 40, Faults = new TapFaults { TextPlainRate = 1 } });
        var result = await Client(sim.BaseUrl).FetchAsync(IndexedHour, new IocExtractor());
        Assert.Equal((await sim.TruthAsync(IndexedHour.Start, IndexedHour.End)).Count, result.Iocs.Count);
    }

    [Theory]
    [InlineData(403, "not entitled", TapErrorKind.Forbidden)]
    [InlineData(404, "verify the base URL", TapErrorKind.NotFound)]
    [InlineData(418, "does not expect", TapErrorKind.Unexpected)]
    public async Task Other_answers_are_worded_for_the_operator(int status, string fragment, TapErrorKind kind)
    {
        await using var server = await FixedAnswerServer.StartAsync(status, "text/plain", "no");
        var error = await Failing(Client(server.BaseUrl), IndexedHour);
        Assert.Equal(kind, error.Kind);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_html_page_instead_of_json_is_reported_with_its_content_type()
    {
        await using var server = await FixedAnswerServer.StartAsync(200, "text/html", "<html><body>Sign in</body></html>");
        var error = await Failing(Client(server.BaseUrl), IndexedHour);
        Assert.Equal(TapErrorKind.MalformedBody, error.Kind);
        Assert.Contains("text/html", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_port_is_unreachable_after_retries()
    {
        var port = FreePort();
        var error = await Failing(Client(new Uri($"http://127.0.0.1:{port}"), attempts: 2), IndexedHour);
        Assert.Equal(TapErrorKind.Unreachable, error.Kind);
        Assert.Contains("Verify the Base URL", error.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static DateTimeOffset StartOfHour(DateTimeOffset time) => new(time.Year, time.Month, time.Day, time.Hour, 0, 0, TimeSpan.Zero);

    /// <summary>A real HTTP server that gives one fixed answer, as a wrong host or a proxy's sign-in page would.</summary>
    private sealed class FixedAnswerServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private FixedAnswerServer(WebApplication app, Uri baseUrl) => (_app, BaseUrl) = (app, baseUrl);

        public Uri BaseUrl { get; }

        public static async Task<FixedAnswerServer> StartAsync(int status, string contentType, string body)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.Run(async context =>
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = contentType;
                await context.Response.WriteAsync(body);
            });
            await app.StartAsync();
            return new FixedAnswerServer(app, new Uri(app.Urls.First()));
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
