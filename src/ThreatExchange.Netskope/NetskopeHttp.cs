using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace ThreatExchange.Netskope;

/// <summary>
/// The HTTP plumbing both Netskope clients share: a timeout per attempt, jittered exponential retries of
/// 429, 5xx and timeouts that wait as long as <c>Retry-After</c> or <c>ratelimit-reset</c> asks, and the
/// mapping of final answers to <see cref="NetskopeException"/>.
/// </summary>
public sealed class NetskopeHttp : IDisposable
{
    private static readonly SocketsHttpHandler SharedConnections = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    public static readonly string UserAgent =
        $"ThreatExchange/{typeof(NetskopeHttp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0"} (Netskope destination)";

    /// <summary>URLs are sent unescaped beyond what JSON needs, and measured the same way by the planner.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HttpClient _http;
    private readonly NetskopeClientOptions _options;

    public NetskopeHttp(NetskopeClientOptions options, TimeProvider clock, HttpMessageHandler? connections = null)
    {
        _options = options;
        var resilient = new ResilienceHandler(BuildPipeline(options, clock)) { InnerHandler = connections ?? SharedConnections };
        _http = new HttpClient(resilient, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public NetskopeClientOptions Options => _options;

    public void Dispose() => _http.Dispose();

    /// <summary>Sends one request; <paramref name="subscription"/> names what a 403 means is missing.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, bool v2Header, string subscription, CancellationToken cancellationToken)
    {
        // A tenant URL written with a trailing slash must still give /api/..., as Netskope accepts.
        var uri = new Uri(_options.TenantUrl.GetLeftPart(UriPartial.Authority) + path);
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.UserAgent.ParseAdd(UserAgent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (v2Header)
            request.Headers.Add("Netskope-Api-Token", _options.V2Token.Reveal());
        if (body is not null)
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new NetskopeException(NetskopeErrorKind.Timeout,
                $"Netskope did not answer {method} {path} within {_options.RequestTimeout.TotalSeconds:0} s, {_options.MaxAttempts} attempts.", e);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NetskopeException(NetskopeErrorKind.Unreachable, $"Netskope at {_options.TenantUrl} cannot be reached: {e.Message} Verify the tenant URL and the network.", e);
        }
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.BadRequest)
            return response;
        using (response)
            throw await ErrorFor(response, method, path, subscription, cancellationToken).ConfigureAwait(false);
    }

    private async Task<NetskopeException> ErrorFor(HttpResponseMessage response, HttpMethod method, string path, string subscription, CancellationToken cancellationToken)
    {
        var text = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
        if (text.Length > 1024)
            text = text[..1024];
        var code = (int)response.StatusCode;
        return code switch
        {
            401 => new NetskopeException(NetskopeErrorKind.Unauthorized, $"Netskope rejected the API token (401) for {path}: verify the token and its endpoint scopes."),
            403 => new NetskopeException(NetskopeErrorKind.Forbidden, $"Netskope refused {path} (403): the tenant needs a {subscription} subscription and a token allowed to use it."),
            404 => new NetskopeException(NetskopeErrorKind.NotFound, $"Netskope does not know {path} (404): verify that the list exists on the tenant. \"{text}\""),
            429 => new NetskopeException(NetskopeErrorKind.Throttled, $"Netskope kept rate-limiting {method} {path} (429) after {_options.MaxAttempts} attempts."),
            >= 500 => new NetskopeException(NetskopeErrorKind.ServerError, $"Netskope failed {method} {path} with {code} after {_options.MaxAttempts} attempts: \"{text}\""),
            _ => new NetskopeException(NetskopeErrorKind.Unexpected, $"Netskope answered {method} {path} with {code}, which this client does not expect: \"{text}\""),
        };
    }

    /// <summary>How long Netskope asks us to wait: <c>Retry-After</c>, else <c>ratelimit-reset</c> when nothing remains.</summary>
    public static TimeSpan? RequestedWait(HttpResponseMessage response, TimeProvider clock)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
            return retryAfter.Delta ?? (retryAfter.Date is { } date ? date - clock.GetUtcNow() : null);
        if (Header(response, "ratelimit-remaining") is "0" && Header(response, "ratelimit-reset") is { } reset
            && double.TryParse(reset, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return TimeSpan.FromSeconds(seconds);
        return null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(NetskopeClientOptions options, TimeProvider clock)
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
                MaxDelay = TimeSpan.FromMinutes(2),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: TimeoutRejectedException or HttpRequestException } => true,
                    { Result: { } result } => result.StatusCode == HttpStatusCode.TooManyRequests || (int)result.StatusCode >= 500,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } result ? RequestedWait(result, clock) : null),
            });
        }
        return builder.AddTimeout(options.RequestTimeout).Build();
    }
}
