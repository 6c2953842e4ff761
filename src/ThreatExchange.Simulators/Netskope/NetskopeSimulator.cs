using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ThreatExchange.Simulators.Netskope;

public sealed record NetskopeFaults
{
    /// <summary>Probability of a 503 per request.</summary>
    public double ErrorRate { get; init; }
    public double SlowRate { get; init; }
    public int SlowMilliseconds { get; init; } = 5_000;
}

public sealed record NetskopeSimulatorOptions
{
    public int Port { get; init; }

    /// <summary>Loopback unless a container must be reached from its neighbours.</summary>
    public System.Net.IPAddress ListenAddress { get; init; } = System.Net.IPAddress.Loopback;
    public string Token { get; init; } = "sim-v2-token";
    public string V1Token { get; init; } = "sim-v1-token";
    public bool SecureWebGateway { get; init; } = true;
    public bool ThreatProtection { get; init; } = true;
    /// <summary>0 for no limit.</summary>
    public int RequestsPerSecond { get; init; } = 20;
    public long UrlListCapBytes { get; init; } = 7L * 1024 * 1024;
    public long FileHashListCapBytes { get; init; } = 8L * 1024 * 1024;
    /// <summary>The tenant's custom file profiles; null accepts any name.</summary>
    public IReadOnlyCollection<string>? FileHashLists { get; init; }
    public int Seed { get; init; } = 1;
    public NetskopeFaults Faults { get; init; } = new();
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>
/// A stand-in for a Netskope tenant's URL list (API v2) and file hash list (API v1) endpoints on loopback:
/// pending changes applied only by deploy, replace semantics for file hashes, entry validation, caps,
/// per-second rate limiting and injected faults.
/// </summary>
public sealed class NetskopeSimulator : IAsyncDisposable
{
    private const string Duplicate = "Duplicate request, no change in file hashes";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed class UrlList(long id, string name, string type)
    {
        public long Id { get; } = id;
        public string Name { get; } = name;
        public string Type { get; set; } = type;
        public List<string> Deployed { get; set; } = [];
        public List<string>? Pending { get; set; }
        public List<string> Current => Pending ?? Deployed;
    }

    private readonly LoopbackServer _server;
    private readonly NetskopeSimulatorOptions _options;
    private readonly Dictionary<long, UrlList> _urlLists = [];
    private readonly Dictionary<string, List<string>> _fileHashLists = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _nextId = 1;
    private long _rateWindow = -1;
    private int _rateCount;

    private NetskopeSimulator(NetskopeSimulatorOptions options)
    {
        _options = options;
        Faults = options.Faults;
        foreach (var name in options.FileHashLists ?? [])
            _fileHashLists[name] = [];

        _server = new LoopbackServer(options.Port, options.Seed, options.ListenAddress);
        var app = _server.App;
        app.Use(async (context, next) =>
        {
            // Clients given a tenant URL with a trailing slash send //api/...; Netskope accepts those.
            var path = context.Request.Path.Value ?? "";
            if (path.StartsWith("//", StringComparison.Ordinal))
                context.Request.Path = "/" + path.TrimStart('/');
            await next(context);
        });

        app.MapGet("/api/v2/policy/urllist", (Func<HttpContext, Task<IResult>>)(c => Guarded(c, "urllist.list", v2: true, ListUrlLists)));
        app.MapGet("/api/v2/policy/urllist/{id:long}", (HttpContext c, long id) => Guarded(c, "urllist.get", v2: true, () => GetUrlList(id)));
        app.MapPost("/api/v2/policy/urllist", (Func<HttpContext, Task<IResult>>)(c => Guarded(c, "urllist.create", v2: true, () => CreateUrlList(c))));
        app.MapPatch("/api/v2/policy/urllist/{id:long}/append", (HttpContext c, long id) => Guarded(c, "urllist.append", v2: true, () => ChangeUrlList(c, id, append: true)));
        app.MapPatch("/api/v2/policy/urllist/{id:long}/replace", (HttpContext c, long id) => Guarded(c, "urllist.replace", v2: true, () => ChangeUrlList(c, id, append: false)));
        app.MapPost("/api/v2/policy/urllist/deploy", (Func<HttpContext, Task<IResult>>)(c => Guarded(c, "urllist.deploy", v2: true, Deploy)));
        app.MapPost("/api/v1/updateFileHashList", (Func<HttpContext, Task<IResult>>)(c => Guarded(c, "filehashlist.update", v2: false, () => UpdateFileHashList(c))));

        app.MapGet("/_sim/urllists", () =>
        {
            lock (_lock)
                return Results.Json(_urlLists.Values.ToDictionary(l => l.Name, l => new { type = l.Type, urls = l.Deployed, pending = l.Pending is not null }), Json);
        });
        app.MapGet("/_sim/filehashlists", () =>
        {
            lock (_lock)
                return Results.Json(_fileHashLists.ToDictionary(p => p.Key, p => p.Value.ToList()), Json);
        });
        app.MapGet("/_sim/requests", () => Results.Json(_server.Requests, Json));
        app.MapGet("/_sim/faults", () => Results.Json(Faults, Json));
        app.MapPost("/_sim/faults", async (HttpContext context) =>
        {
            Faults = await context.Request.ReadFromJsonAsync<NetskopeFaults>(Json) ?? new NetskopeFaults();
            return Results.Json(Faults, Json);
        });
    }

    public NetskopeFaults Faults { get; set; }

    public Uri BaseUrl => _server.BaseUrl;

    public static async Task<NetskopeSimulator> StartAsync(NetskopeSimulatorOptions options, CancellationToken cancellationToken = default)
    {
        var simulator = new NetskopeSimulator(options);
        await simulator._server.StartAsync(cancellationToken);
        return simulator;
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _server.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private void Count(string what) => _server.Count(what);

    private bool Roll(double probability) => _server.Roll(probability);

    private async Task<IResult> Guarded(HttpContext context, string endpoint, bool v2, Func<Task<IResult>> handle)
    {
        Count(endpoint);
        if (!TryAdmit(context))
        {
            Count("429");
            return Error(429, "Rate limit exceeded. Retry after the time given in Retry-After.");
        }
        if (v2 && !string.Equals(context.Request.Headers["Netskope-Api-Token"], _options.Token, StringComparison.Ordinal))
        {
            Count("401");
            return Error(401, "Invalid or missing Netskope-Api-Token.");
        }
        if (v2 && !_options.SecureWebGateway)
        {
            Count("403");
            return Error(403, "This tenant has no Secure Web Gateway subscription; URL lists are not available.");
        }
        if (!v2 && !_options.ThreatProtection)
        {
            Count("403");
            return Error(403, "This tenant has no Threat Protection subscription; file hash lists are not available.");
        }
        var faults = Faults;
        if (Roll(faults.SlowRate))
        {
            Count("slow");
            await Task.Delay(TimeSpan.FromMilliseconds(faults.SlowMilliseconds), _options.Clock, context.RequestAborted);
        }
        if (Roll(faults.ErrorRate))
        {
            Count("503");
            return Error(503, "Service temporarily unavailable.");
        }
        return await handle();
    }

    private Task<IResult> Guarded(HttpContext context, string endpoint, bool v2, Func<IResult> handle) =>
        Guarded(context, endpoint, v2, () => Task.FromResult(handle()));

    /// <summary>A fixed one-second window, and the <c>ratelimit-*</c> headers on every answer.</summary>
    private bool TryAdmit(HttpContext context)
    {
        if (_options.RequestsPerSecond <= 0)
            return true;
        var now = _options.Clock.GetUtcNow();
        int remaining;
        bool admitted;
        lock (_lock)
        {
            var window = now.ToUnixTimeSeconds();
            if (window != _rateWindow)
                (_rateWindow, _rateCount) = (window, 0);
            admitted = _rateCount < _options.RequestsPerSecond;
            if (admitted)
                _rateCount++;
            remaining = _options.RequestsPerSecond - _rateCount;
        }
        var reset = Math.Max(1, (int)Math.Ceiling(1 - now.Millisecond / 1000.0));
        context.Response.Headers["ratelimit-limit"] = _options.RequestsPerSecond.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["ratelimit-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["ratelimit-reset"] = reset.ToString(CultureInfo.InvariantCulture);
        if (!admitted)
            context.Response.Headers.RetryAfter = reset.ToString(CultureInfo.InvariantCulture);
        return admitted;
    }

    private IResult ListUrlLists()
    {
        lock (_lock)
            return Results.Json(_urlLists.Values.OrderBy(l => l.Id).Select(Describe).ToList(), Json);
    }

    private IResult GetUrlList(long id)
    {
        lock (_lock)
            return _urlLists.TryGetValue(id, out var list) ? Results.Json(Describe(list), Json) : Error(404, $"URL list {id} does not exist.");
    }

    private static object Describe(UrlList list) =>
        new { id = list.Id, name = list.Name, data = new { urls = list.Current, type = list.Type }, pending = list.Pending is null ? 0 : 1 };

    private async Task<IResult> CreateUrlList(HttpContext context)
    {
        var body = await ReadBody(context);
        var name = body?["name"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(name))
            return Error(400, "A URL list needs a name.");
        if (!TryReadData(body, out var urls, out var type, out var problem))
            return Error(400, problem!);
        if (Validate(urls, type) is { Count: > 0 } rejected)
            return Rejected(rejected);
        lock (_lock)
        {
            if (_urlLists.Values.Any(l => l.Name == name))
                return Error(400, $"A URL list named '{name}' already exists.");
            if (DataBytes(urls) > _options.UrlListCapBytes)
                return Error(400, $"URL list data exceeds the {_options.UrlListCapBytes / 1048576.0:0.##} MB limit.");
            var list = new UrlList(_nextId++, name, type) { Pending = urls.Distinct(StringComparer.Ordinal).ToList() };
            _urlLists[list.Id] = list;
            return Results.Json(Describe(list), Json);
        }
    }

    private async Task<IResult> ChangeUrlList(HttpContext context, long id, bool append)
    {
        var body = await ReadBody(context);
        if (!TryReadData(body, out var urls, out var type, out var problem))
            return Error(400, problem!);
        if (Validate(urls, type) is { Count: > 0 } rejected)
            return Rejected(rejected);
        lock (_lock)
        {
            if (!_urlLists.TryGetValue(id, out var list))
                return Error(404, $"URL list {id} does not exist.");
            var next = append ? list.Current.Concat(urls).Distinct(StringComparer.Ordinal).ToList() : urls.Distinct(StringComparer.Ordinal).ToList();
            if (DataBytes(next) > _options.UrlListCapBytes)
                return Error(400, $"URL list data exceeds the {_options.UrlListCapBytes / 1048576.0:0.##} MB limit.");
            list.Pending = next;
            list.Type = type;
            return Results.Json(Describe(list), Json);
        }
    }

    private IResult Deploy()
    {
        lock (_lock)
        {
            foreach (var list in _urlLists.Values.Where(l => l.Pending is not null))
                (list.Deployed, list.Pending) = (list.Pending!, null);
        }
        return Results.Json(new { status = "success" }, Json);
    }

    private async Task<IResult> UpdateFileHashList(HttpContext context)
    {
        var body = await ReadBody(context);
        var name = body?["name"]?.GetValue<string>();
        var text = body?["list"]?.GetValue<string>();
        if (!string.Equals(body?["token"]?.GetValue<string>(), _options.V1Token, StringComparison.Ordinal))
            return FileHashError(401, "Invalid token.");
        if (string.IsNullOrEmpty(name) || text is null)
            return FileHashError(400, "name and list are required.");
        if (System.Text.Encoding.UTF8.GetByteCount(text) > _options.FileHashListCapBytes)
            return FileHashError(400, $"The file hash list exceeds the {_options.FileHashListCapBytes / 1048576.0:0.##} MB limit.");
        var hashes = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var invalid = hashes.Where(h => !(h.Length is 32 or 64 && h.All(char.IsAsciiHexDigit))).ToList();
        if (invalid.Count > 0)
            return FileHashError(400, $"Invalid hashes: {string.Join(", ", invalid.Take(10))}");
        lock (_lock)
        {
            if (_options.FileHashLists is not null && !_fileHashLists.ContainsKey(name))
                return FileHashError(404, $"File hash list '{name}' does not exist.");
            var next = hashes.Select(h => h.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
            if (_fileHashLists.TryGetValue(name, out var held) && held.SequenceEqual(next))
                return FileHashError(200, Duplicate);
            _fileHashLists[name] = next;
        }
        return Results.Json(new { status = "success" }, Json);
    }

    private static IResult FileHashError(int status, string message) =>
        Results.Json(new { status = "error", errors = new[] { message } }, Json, statusCode: status);

    private static async Task<JsonNode?> ReadBody(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryReadData(JsonNode? body, out List<string> urls, out string type, out string? problem)
    {
        urls = [];
        type = "exact";
        problem = null;
        if (body?["data"] is not JsonObject data || data["urls"] is not JsonArray array)
        {
            problem = "The body needs data.urls.";
            return false;
        }
        type = data["type"]?.GetValue<string>() ?? "exact";
        if (type is not ("exact" or "regex"))
        {
            problem = $"data.type '{type}' is not exact or regex.";
            return false;
        }
        urls = array.Select(n => n?.GetValue<string>() ?? "").ToList();
        return true;
    }

    /// <summary>Entries Netskope would refuse: empty, spaced, oversized, markup characters, or a regex that does not compile.</summary>
    private static List<(string Value, string Reason)> Validate(List<string> urls, string type)
    {
        var rejected = new List<(string, string)>();
        foreach (var url in urls.Distinct(StringComparer.Ordinal))
        {
            if (url.Length == 0 || url.Any(char.IsWhiteSpace) || url.IndexOfAny(['<', '>', '"', '{', '}', '|', '\\', '^', '`']) >= 0)
                rejected.Add((url, "Invalid URL format."));
            else if (url.Length > 2048)
                rejected.Add((url, "URL is longer than 2048 characters."));
            else if (type == "regex" && !IsRegex(url))
                rejected.Add((url, "Invalid regular expression."));
        }
        return rejected;
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static long DataBytes(IEnumerable<string> urls) =>
        urls.Sum(u => (long)JsonSerializer.SerializeToUtf8Bytes(u, Json).Length + 1);

    private static IResult Rejected(List<(string Value, string Reason)> rejected) =>
        Results.Json(new { message = rejected.Select(r => new[] { r.Value, r.Reason }).ToList() }, Json, statusCode: 400);

    private static IResult Error(int status, string message) => Results.Json(new { message }, Json, statusCode: status);
}
