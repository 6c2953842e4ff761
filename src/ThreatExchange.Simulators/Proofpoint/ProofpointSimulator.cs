using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ThreatExchange.Simulators.Proofpoint;

/// <summary>
/// A stand-in for Proofpoint TAP's SIEM API on loopback: Basic auth, the documented parameter rules and
/// error texts, the 1800-per-24-hours pool, late indexing, and injected faults.
/// </summary>
public sealed class ProofpointSimulator : IAsyncDisposable
{
    private static readonly string[] AllStatuses = ["active", "cleared", "falsePositive"];
    private static readonly string[] DefaultStatuses = ["active", "cleared"];

    private static readonly IReadOnlyDictionary<string, string[]> Endpoints = new Dictionary<string, string[]>
    {
        ["/v2/siem/all"] = ["messagesDelivered", "messagesBlocked", "clicksPermitted", "clicksBlocked"],
        ["/v2/siem/messages/delivered"] = ["messagesDelivered"],
        ["/v2/siem/messages/blocked"] = ["messagesBlocked"],
        ["/v2/siem/clicks/permitted"] = ["clicksPermitted"],
        ["/v2/siem/clicks/blocked"] = ["clicksBlocked"],
        ["/v2/siem/issues"] = ["messagesDelivered", "clicksPermitted"],
    };

    private readonly LoopbackServer _server;
    private readonly ProofpointSimulatorOptions _options;
    private readonly TapDataGenerator _generator;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TapDataGenerator> _perPrincipal = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _sent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly string _expectedAuthorization;

    private ProofpointSimulator(ProofpointSimulatorOptions options)
    {
        _options = options;
        Faults = options.Faults;
        _generator = new TapDataGenerator(options.Seed, options.ThreatsPerHour, options.MaxIndexDelay);
        _expectedAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Principal}:{options.Secret}"));

        _server = new LoopbackServer(options.Port, options.Seed, options.ListenAddress);
        var app = _server.App;
        foreach (var (path, keys) in Endpoints)
            app.MapGet(path, context => ServeSiem(context, keys));
        app.MapGet("/_sim/truth", ServeTruth);
        app.MapGet("/_sim/requests", () => Results.Json(_server.Requests));
        app.MapGet("/_sim/faults", () => Results.Json(Faults));
        app.MapPost("/_sim/faults", async (HttpContext context) =>
        {
            Faults = await context.Request.ReadFromJsonAsync<TapFaults>() ?? new TapFaults();
            return Results.Json(Faults);
        });
    }

    public TapFaults Faults { get; set; }

    public Uri BaseUrl => _server.BaseUrl;

    public TapDataGenerator Generator => _generator;

    public static async Task<ProofpointSimulator> StartAsync(ProofpointSimulatorOptions options, CancellationToken cancellationToken = default)
    {
        var simulator = new ProofpointSimulator(options);
        await simulator._server.StartAsync(cancellationToken);
        return simulator;
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _server.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private void Count(string what) => _server.Count(what);

    private bool Roll(double probability) => _server.Roll(probability);

    private async Task ServeSiem(HttpContext context, string[] eventKeys)
    {
        Count(context.Request.Path);
        var now = _options.Clock.GetUtcNow();
        if (Authorized(context.Request.Headers.Authorization.ToString()) is not { } principal)
        {
            Count("401");
            await Text(context, 401, "The credentials provided are invalid.");
            return;
        }
        if (!TrySpend(principal, now, out var retryAfter))
        {
            Count("429");
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Text(context, 429, "Too many requests: the 24-hour request limit for this principal has been reached.");
            return;
        }
        var faults = Faults;
        if (Roll(faults.ThrottleRate))
        {
            Count("429");
            context.Response.Headers.RetryAfter = "60";
            await Text(context, 429, "Too many requests.");
            return;
        }
        if (Roll(faults.ErrorRate))
        {
            Count("500");
            await Text(context, 500, "An internal server error occurred.");
            return;
        }
        if (ParseQuery(context.Request.Query, now) is { Error: { } error })
        {
            Count("400");
            await Text(context, 400, error);
            return;
        }
        var (from, to, statuses, _) = ParseQuery(context.Request.Query, now);
        if (Roll(faults.SlowRate))
        {
            Count("slow");
            await Task.Delay(TimeSpan.FromMilliseconds(faults.SlowMilliseconds), _options.Clock, context.RequestAborted);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = Roll(faults.TextPlainRate) ? "text/plain" : "application/json";
        var malformed = Roll(faults.MalformedRate);
        if (malformed)
            Count("malformed");
        Count("200");
        await WriteEvents(context, GeneratorFor(principal), eventKeys, from, to, statuses, now, malformed);
    }

    private TapDataGenerator GeneratorFor(string principal) =>
        !_options.DataPerPrincipal || principal == _options.Principal
            ? _generator
            : _perPrincipal.GetOrAdd(principal, p => new TapDataGenerator(
                StableHash.Seed(_options.Seed, BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(p)))),
                _options.ThreatsPerHour, _options.MaxIndexDelay));

    private async Task WriteEvents(HttpContext context, TapDataGenerator generator, string[] eventKeys, DateTimeOffset from, DateTimeOffset to,
        IReadOnlyCollection<string> statuses, DateTimeOffset now, bool malformed)
    {
        var visible = generator.EventsBetween(from, to)
            .Where(e => e.VisibleAt <= now && (e.IsClick ? statuses.Contains(e.Threats[0].Status) : TapEventWriter.IsVisibleFor(e, statuses)))
            .ToLookup(e => e.EventType);
        var body = context.Response.BodyWriter;
        var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteString("queryEndTime", to.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        var written = 0;
        foreach (var key in eventKeys)
        {
            json.WriteStartArray(key);
            foreach (var e in visible[key])
            {
                TapEventWriter.WriteEvent(json, e, statuses);
                if (++written % 200 == 0)
                {
                    await json.FlushAsync(context.RequestAborted);
                    if (malformed)
                        return;
                }
            }
            json.WriteEndArray();
        }
        if (malformed)
        {
            // Break off inside the object: a reader must notice the response is incomplete.
            json.WriteStartObject("truncated");
            await json.FlushAsync(context.RequestAborted);
            return;
        }
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    /// <returns>The principal of valid Basic credentials, or null.</returns>
    private string? Authorized(string authorization)
    {
        if (string.Equals(authorization, _expectedAuthorization, StringComparison.Ordinal))
            return _options.Principal;
        if (!_options.AnyPrincipal || !authorization.StartsWith("Basic ", StringComparison.Ordinal))
            return null;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && string.Equals(decoded[(colon + 1)..], _options.Secret, StringComparison.Ordinal) ? decoded[..colon] : null;
    }

    private bool TrySpend(string principal, DateTimeOffset now, out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            if (!_sent.TryGetValue(principal, out var sent))
                _sent[principal] = sent = new Queue<DateTimeOffset>();
            while (sent.Count > 0 && sent.Peek() <= now - TimeSpan.FromHours(24))
                sent.Dequeue();
            if (sent.Count >= _options.DailyAllowance)
            {
                retryAfter = sent.Peek() + TimeSpan.FromHours(24) - now;
                return false;
            }
            sent.Enqueue(now);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }

    private readonly record struct SiemQuery(DateTimeOffset From, DateTimeOffset To, IReadOnlyCollection<string> Statuses, string? Error);

    private SiemQuery ParseQuery(IQueryCollection query, DateTimeOffset now)
    {
        static SiemQuery Fail(string message) => new(default, default, [], message);

        var format = query["format"].ToString();
        if (!string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
            return Fail(format.Length == 0
                ? "The format parameter is required by this simulator; only format=json is served."
                : $"The format '{format}' is not supported; use json or syslog.");

        var statuses = query["threatStatus"].Where(s => s is not null).Select(s => s!).ToList();
        foreach (var status in statuses.Where(s => !AllStatuses.Contains(s)))
            return Fail($"The threatStatus parameter value '{status}' is invalid. Valid values are active, cleared, falsePositive.");
        IReadOnlyCollection<string> wanted = statuses.Count == 0 ? DefaultStatuses : statuses;

        var given = new[] { "interval", "sinceSeconds", "sinceTime" }.Where(p => query.ContainsKey(p)).ToList();
        if (given.Count != 1)
            return Fail("Exactly one of interval, sinceSeconds or sinceTime must be given.");

        DateTimeOffset from, to;
        switch (given[0])
        {
            case "sinceSeconds":
                if (!int.TryParse(query["sinceSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 3600)
                    return Fail("The sinceSeconds parameter must be an integer from 1 to 3600.");
                (from, to) = (now.AddSeconds(-seconds), now);
                return new SiemQuery(from, to, wanted, null);
            case "sinceTime":
                if (!TryTime(query["sinceTime"].ToString(), out from))
                    return Fail("The sinceTime parameter is not a valid ISO-8601 time.");
                to = now;
                break;
            default:
                var parts = query["interval"].ToString().Split('/');
                if (parts.Length != 2 || !TryIntervalPart(parts, out from, out to))
                    return Fail("The interval parameter is invalid. Use an ISO-8601 interval such as 2016-05-01T12:00:00Z/2016-05-01T13:00:00Z.");
                break;
        }

        var length = to - from;
        if (length < TimeSpan.FromSeconds(30))
            return Fail("The requested interval is too short. Requests must be for at least 30.00s of data.");
        if (length > TimeSpan.FromHours(1))
            return Fail("The requested interval is too long. Requests must be for no more than 1.00h of data.");
        if (to > now)
            return Fail("The requested interval ends in the future.");
        if (to > now - _options.StillCurrentMargin)
            return Fail("The requested interval is still current. Try again later.");
        if (from < now - _options.LookBackLimit)
            return Fail($"The requested start time is too far into the past. Requests for information up to {_options.LookBackLimit.TotalDays.ToString("0.00", CultureInfo.InvariantCulture)}d are accepted.");
        return new SiemQuery(from, to, wanted, null);
    }

    private static bool TryIntervalPart(string[] parts, out DateTimeOffset from, out DateTimeOffset to)
    {
        from = to = default;
        if (parts[0].StartsWith('P') && TryTime(parts[1], out to) && TryDuration(parts[0], out var before))
        {
            from = to - before;
            return true;
        }
        if (parts[1].StartsWith('P') && TryTime(parts[0], out from) && TryDuration(parts[1], out var after))
        {
            to = from + after;
            return true;
        }
        return TryTime(parts[0], out from) && TryTime(parts[1], out to);
    }

    private static bool TryDuration(string text, out TimeSpan duration)
    {
        try
        {
            duration = XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (FormatException)
        {
            duration = default;
            return false;
        }
    }

    private static bool TryTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private async Task ServeTruth(HttpContext context)
    {
        if (!TryTime(context.Request.Query["from"].ToString(), out var from) || !TryTime(context.Request.Query["to"].ToString(), out var to))
        {
            await Text(context, 400, "from and to must be ISO-8601 times.");
            return;
        }
        await context.Response.WriteAsJsonAsync(_generator.Truth(from, to), TruthJson);
    }

    private static readonly JsonSerializerOptions TruthJson = new(JsonSerializerDefaults.Web);

    private static async Task Text(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(text);
    }
}
