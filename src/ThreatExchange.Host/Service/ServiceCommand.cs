using System.CommandLine;
using System.Net;
using Akka.Configuration;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine;
using ThreatExchange.Engine.Persistence;
using ThreatExchange.Host.WebConsole;

namespace ThreatExchange.Host.Service;

/// <summary>Where the service listens and keeps its data; read from the environment (<c>TE_*</c>) and the command line.</summary>
public sealed record ServiceOptions
{
    public string DataFolder { get; init; } = "data";
    public string ApiUrl { get; init; } = "http://127.0.0.1:8080";
    /// <summary>Where <c>pbm</c> connects; the same server answers it, on its own port.</summary>
    public string CommandUrl { get; init; } = "http://127.0.0.1:9110";
    public string? ApiToken { get; init; }
    public string? ConfigOverlay { get; init; }
    /// <summary>HOCON that takes precedence over the overlay, for a caller such as the demo.</summary>
    public string? AkkaSettings { get; init; }
    /// <summary>Folder whose <c>*.json</c> files declare sources, tenants and sharing rules.</summary>
    public string DeclarationsFolder { get; init; } = "config";
    /// <summary>Akka addresses of the nodes to join; none forms a one-node cluster.</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    public static ServiceOptions FromEnvironment(string? configPath) => new()
    {
        DataFolder = Environment.GetEnvironmentVariable("TE_DATA") ?? "data",
        ApiUrl = Environment.GetEnvironmentVariable("TE_API_URL") ?? "http://127.0.0.1:8080",
        CommandUrl = Environment.GetEnvironmentVariable("TE_PBM_URL") ?? "http://127.0.0.1:9110",
        ApiToken = Environment.GetEnvironmentVariable("TE_API_TOKEN"),
        ConfigOverlay = configPath ?? Environment.GetEnvironmentVariable("TE_CONFIG"),
        DeclarationsFolder = Environment.GetEnvironmentVariable("TE_DECLARATIONS") ?? "config",
        SeedNodes = (Environment.GetEnvironmentVariable("TE_SEED_NODES") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    };

    /// <summary>An API reachable from other machines without a token would hand out control of every tenant.</summary>
    public string? Refusal()
    {
        foreach (var (setting, value) in new[] { ("TE_API_URL", ApiUrl), ("TE_PBM_URL", CommandUrl) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var url))
                return $"{setting} '{value}' is not an absolute URL.";
            var loopback = url.IsLoopback || (IPAddress.TryParse(url.Host, out var address) && IPAddress.IsLoopback(address));
            if (!loopback && string.IsNullOrEmpty(ApiToken))
                return $"The service would listen on {value} ({setting}), beyond loopback, without TE_API_TOKEN; set a token or bind to 127.0.0.1.";
        }
        return null;
    }
}

/// <summary>One <c>pbm</c> command line, split into words.</summary>
public sealed record PbmRequest(IReadOnlyList<string> Args);

public static class ServiceCommand
{

    public static void Configure(RootCommand root)
    {
        var config = new Option<string?>("--config") { Description = "An Akka HOCON overlay from config/ (also TE_CONFIG)." };
        root.Options.Add(config);
        root.SetAction((parsed, cancellationToken) => RunAsync(ServiceOptions.FromEnvironment(parsed.GetValue(config)), cancellationToken));
    }

    public static async Task<int> RunAsync(ServiceOptions options, CancellationToken cancellationToken)
    {
        if (options.Refusal() is { } refusal)
        {
            await Console.Error.WriteLineAsync(refusal);
            return 2;
        }
        WebApplication app;
        try
        {
            app = Build(options);
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        await app.RunAsync(cancellationToken);
        return 0;
    }

    public const string AkkaVariablePrefix = "TE_AKKA__";

    /// <summary>
    /// <c>TE_AKKA__...</c> variables, above the overlay file and below the caller's own settings:
    /// <c>__</c> separates the path, so <c>TE_AKKA__remote__dot-netty__tcp__port=4053</c> sets <c>akka.remote.dot-netty.tcp.port</c>.
    /// </summary>
    public static string AkkaFromEnvironment() => AkkaFromVariables(Environment.GetEnvironmentVariables()
        .Cast<System.Collections.DictionaryEntry>()
        .Select(e => ((string)e.Key, e.Value?.ToString() ?? "")));

    public static string AkkaFromVariables(IEnumerable<(string Name, string Value)> variables) => string.Join('\n', variables
        .Where(v => v.Name.StartsWith(AkkaVariablePrefix, StringComparison.Ordinal) && v.Name.Length > AkkaVariablePrefix.Length)
        .OrderBy(v => v.Name, StringComparer.Ordinal)
        .Select(v => $"akka.{v.Name[AkkaVariablePrefix.Length..].Replace("__", ".", StringComparison.Ordinal)} = \"{v.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\""));

    /// <summary>
    /// Machines (API, pbm, metrics) send the bearer token on every call; a person signs in to the console once and the
    /// cookie carries them. The cookie never opens the API, so another site cannot ride it to change anything.
    /// </summary>
    private static Func<HttpContext, RequestDelegate, Task> RequireToken(ConsoleAccess access) =>
        async (context, next) =>
        {
            var path = context.Request.Path;
            var authorization = context.Request.Headers.Authorization.ToString();
            if (path.StartsWithSegments("/healthz") || path.StartsWithSegments("/signin")
                || (authorization.StartsWith("Bearer ", StringComparison.Ordinal) && access.Accepts(authorization["Bearer ".Length..])))
            {
                await next(context);
                return;
            }
            var machine = path.StartsWithSegments("/api") || path.StartsWithSegments("/pbm") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/readyz");
            if (!machine && context.User.Identity?.IsAuthenticated == true)
            {
                await next(context);
                return;
            }
            if (!machine)
            {
                context.Response.Redirect("/signin" + QueryString.Create("returnUrl", path + context.Request.QueryString));
                return;
            }
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await Results.Problem(title: "A bearer token (TE_API_TOKEN) is required.", statusCode: 401).ExecuteAsync(context);
        };

    public static WebApplication Build(ServiceOptions options)
    {
        Directory.CreateDirectory(options.DataFolder);
        var protector = SecretKeySource.Load(Environment.GetEnvironmentVariable(SecretKeySource.EnvironmentVariable), Path.Combine(options.DataFolder, "secret.key"));
        const string hostLoggers = """akka.loggers = ["Akka.Event.DefaultLogger", "ThreatExchange.Host.Service.RingBufferLogger, ThreatExchange.Host"]""";
        var seeds = options.SeedNodes.Count == 0 ? null
            : $"akka.cluster.seed-nodes = [{string.Join(", ", options.SeedNodes.Select(s => $"\"{s}\""))}]";
        var overlay = string.Join('\n', new[] { hostLoggers, options.ConfigOverlay is { } path ? File.ReadAllText(path) : null, seeds, AkkaFromEnvironment(), options.AkkaSettings }
            .Where(h => !string.IsNullOrEmpty(h)));
        var settings = ConfigurationFactory.ParseString(overlay)
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, ClusterHosting.AkkaHoconFile))));
        var journal = JournalSettings.FromConfig(settings, options.DataFolder);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(options.ApiUrl, options.CommandUrl);
        builder.Services.AddThreatExchangeEngine(journal, protector, TimeProvider.System, akkaOverlay: overlay);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<PbmCommands>();
        builder.Services.AddSingleton<SourceStatusReader>();
        builder.Services.AddSingleton<ConfigurationService>();
        builder.Services.AddHostedService(services => ActivatorUtilities.CreateInstance<DeclarationsApplier>(services, options.DeclarationsFolder));
        builder.Services.AddSingleton(_ => new PrometheusText(EngineMetrics.MeterName));
        var access = new ConsoleAccess(options.ApiToken);
        builder.Services.AddSingleton(access);
        // Named explicitly: pages are found in the entry assembly otherwise, which is not this one under a test host.
        builder.Services.AddRazorPages().AddApplicationPart(typeof(ServiceCommand).Assembly);
        // Anti-forgery tokens and console cookies are sealed with these keys; kept in the data folder beside secret.key,
        // so they survive a restart. The nodes of a cluster each have their own: the console needs a sticky session there.
        builder.Services.AddDataProtection().SetApplicationName("threat-exchange")
            .PersistKeysToFileSystem(Directory.CreateDirectory(Path.Combine(options.DataFolder, "console-keys")));
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Services.AddAuthentication(ConsoleAccess.Scheme).AddCookie(ConsoleAccess.Scheme, cookie =>
        {
            cookie.Cookie.Name = ConsoleAccess.Scheme;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/signin";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        var app = builder.Build();
        app.UseAuthentication();
        if (access.SignInRequired)
            app.Use(RequireToken(access));
        app.MapRazorPages();
        app.MapManagementApi();
        app.MapPost("/pbm", async (PbmRequest request, PbmCommands commands) => Results.Ok(await commands.ExecuteAsync(request.Args)));
        var metrics = app.Services.GetRequiredService<PrometheusText>();
        app.MapGet("/metrics", () => Results.Text(metrics.Render(), "text/plain; version=0.0.4"));
        return app;
    }
}
