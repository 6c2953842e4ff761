using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;
using ThreatExchange.Proofpoint.Extraction;
using ThreatExchange.Proofpoint.Windows;

namespace ThreatExchange.Proofpoint.Client;

/// <summary>
/// Proofpoint TAP's SIEM API: one windowed <c>GET /v2/siem/all</c>, streamed into the extractor. Retries
/// 5xx and timeouts with jittered exponential back-off (every attempt passing the request gate); turns
/// every other answer into a <see cref="TapException"/> that tells the operator what to do.
/// </summary>
public sealed class TapClient : IDisposable
{
    private const int ErrorTextLimit = 2048;

    /// <summary>One pool of connections for every source in the process, recycled so DNS changes are seen.</summary>
    private static readonly SocketsHttpHandler SharedConnections = new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
    };

    public static readonly string UserAgent =
        $"ThreatExchange/{typeof(TapClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0"} (Proofpoint TAP source)";

    private readonly HttpClient _http;
    private readonly TapClientOptions _options;
    private readonly string _authorization;

    public TapClient(TapClientOptions options, ITapRequestGate gate, TimeProvider clock, HttpMessageHandler? connections = null)
    {
        _options = options;
        _authorization = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Principal}:{options.Secret.Reveal()}"));
        var gated = new RequestGateHandler(gate, clock) { InnerHandler = connections ?? SharedConnections };
        var resilient = new ResilienceHandler(BuildPipeline(options, clock)) { InnerHandler = gated };
        _http = new HttpClient(resilient, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public void Dispose() => _http.Dispose();

    public Uri RequestUri(PollWindow window)
    {
        var query = new StringBuilder("format=json&interval=").Append(Uri.EscapeDataString(window.ToInterval()));
        foreach (var status in _options.ThreatStatuses)
            query.Append("&threatStatus=").Append(Uri.EscapeDataString(status));
        return new Uri(_options.BaseUrl, "/v2/siem/all?" + query);
    }

    public async Task<ExtractionResult> FetchAsync(PollWindow window, IocExtractor extractor, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, RequestUri(window));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _authorization);
        request.Headers.UserAgent.ParseAdd(UserAgent);
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await SendAsync(request, window, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
            throw await ErrorFor(response, window, cancellationToken).ConfigureAwait(false);

        // The attempt timeout covers the wait for headers; the body gets its own, so a stalled stream cannot hang a poll.
        using var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bodyTimeout.CancelAfter(_options.RequestTimeout);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(bodyTimeout.Token).ConfigureAwait(false);
            return await extractor.ExtractAsync(body, bodyTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TapException(TapErrorKind.Timeout, $"Proofpoint's answer for {window.ToInterval()} did not arrive in full within {_options.RequestTimeout.TotalSeconds:0} s.");
        }
        catch (MalformedResponseException e)
        {
            throw new TapException(TapErrorKind.MalformedBody,
                $"Proofpoint's answer for {window.ToInterval()} (content type {response.Content.Headers.ContentType?.MediaType ?? "none"}) could not be read: {e.Message}", e);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TapException(TapErrorKind.Unreachable, $"The connection to {_options.BaseUrl} broke while reading {window.ToInterval()}: {e.Message}", e);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, PollWindow window, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new TapException(TapErrorKind.Timeout,
                $"Proofpoint did not answer {window.ToInterval()} within {_options.RequestTimeout.TotalSeconds:0} s, {_options.MaxAttempts} attempts.", e);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TapException(TapErrorKind.Unreachable, $"Proofpoint at {_options.BaseUrl} cannot be reached: {e.Message} Verify the Base URL and the network.", e);
        }
    }

    private async Task<TapException> ErrorFor(HttpResponseMessage response, PollWindow window, CancellationToken cancellationToken)
    {
        var text = await ReadErrorText(response, cancellationToken).ConfigureAwait(false);
        var code = (int)response.StatusCode;
        return code switch
        {
            400 when text.Contains("too far into the past", StringComparison.OrdinalIgnoreCase) => new TapException(TapErrorKind.LookBackExceeded,
                $"The window {window.ToInterval()} starts too far into the past for Proofpoint: \"{text}\" Lower the Look-back Limit to what the API accepts."),
            400 when text.Contains("still current", StringComparison.OrdinalIgnoreCase) => new TapException(TapErrorKind.IntervalStillCurrent,
                $"The window {window.ToInterval()} is still current for Proofpoint; it will be asked again later."),
            400 => new TapException(TapErrorKind.BadParameter, $"Proofpoint refused a parameter (400): \"{text}\""),
            401 => new TapException(TapErrorKind.Unauthorized, "Proofpoint rejected the credentials (401): verify the principal and secret."),
            403 => new TapException(TapErrorKind.Forbidden, "Proofpoint accepted the credentials but they are not entitled to the SIEM API (403): verify the permissions of the service principal."),
            404 => new TapException(TapErrorKind.NotFound, $"Proofpoint has no SIEM API at {_options.BaseUrl} (404): verify the base URL."),
            // The wait is the budget's to keep: the request gate has already reported this 429, Retry-After included.
            429 => new TapException(TapErrorKind.Throttled,
                "Proofpoint says this credential's request budget is exhausted (429); requests resume once older ones age out of its 24-hour window."),
            >= 500 => new TapException(TapErrorKind.ServerError, $"Proofpoint failed with {code} after {_options.MaxAttempts} attempts: \"{text}\""),
            _ => new TapException(TapErrorKind.Unexpected, $"Proofpoint answered {code}, which this client does not expect: \"{text}\""),
        };
    }

    private static async Task<string> ReadErrorText(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new char[ErrorTextLimit];
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        var length = await reader.ReadBlockAsync(buffer, cancellationToken).ConfigureAwait(false);
        return new string(buffer, 0, length).Trim();
    }

    internal static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider clock) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - clock.GetUtcNow(),
        _ => null,
    };

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(TapClientOptions options, TimeProvider clock)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                // 429 is not retried here: it means the whole day's pool is spent, and the budget decides when to try again.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: TimeoutRejectedException or HttpRequestException } => true,
                    { Result: { } result } => (int)result.StatusCode >= 500,
                    _ => false,
                }),
            });
        }
        return builder.AddTimeout(options.RequestTimeout).Build();
    }

    private sealed class RequestGateHandler(ITapRequestGate gate, TimeProvider clock) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await gate.AcquireAsync(cancellationToken).ConfigureAwait(false);
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                await gate.ThrottledAsync(RetryAfter(response, clock), cancellationToken).ConfigureAwait(false);
            else if (response.IsSuccessStatusCode)
                await gate.SucceededAsync(cancellationToken).ConfigureAwait(false);
            return response;
        }
    }
}
