using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Engine.Sources;

namespace ThreatExchange.Host.Service;

/// <summary>The sources, tenants and sharing rules a file in <c>config/</c> declares.</summary>
public sealed record Declarations(
    IReadOnlyList<SourceConfiguration>? Sources,
    IReadOnlyList<TenantConfiguration>? Tenants,
    IReadOnlyList<SharingRule>? Sharing);

/// <summary>
/// Applies every <c>*.json</c> in the configuration folder at start, through the same validation as the API;
/// applying the same file twice changes nothing. Secrets are written <c>${VARIABLE}</c> and read from the
/// environment, never from the file. Any refusal stops the start with the file, field and rule named.
/// </summary>
public sealed partial class DeclarationsApplier(string folder, IRequiredActor<SourceRegion> sources, IRequiredActor<DirectoryRegion> directory,
    SecretProtector protector) : IHostedService
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [GeneratedRegex(@"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")]
    private static partial Regex EnvironmentReference();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
            return;
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            await ApplyAsync(file, Read(file));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static Declarations Read(string file)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(file));
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{file} is not valid JSON: {e.Message}", e);
        }
        Substitute(root, file, "");
        try
        {
            return root.Deserialize<Declarations>(Json) ?? new Declarations(null, null, null);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{file}: {e.Message}", e);
        }
    }

    /// <summary>Replaces each <c>"${NAME}"</c> string with the variable's value; a missing variable names the field that wanted it.</summary>
    private static void Substitute(JsonNode? node, string file, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (child is JsonValue value && value.TryGetValue<string>(out var text) && EnvironmentReference().Match(text) is { Success: true } match)
                    {
                        var name = match.Groups[1].Value;
                        obj[key] = Environment.GetEnvironmentVariable(name)
                            ?? throw new InvalidOperationException($"{file}: {path}{key} refers to the environment variable {name}, which is not set.");
                    }
                    else
                    {
                        Substitute(child, file, $"{path}{key}.");
                    }
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    Substitute(array[i], file, $"{path}{i}.");
                break;
        }
    }

    private async Task ApplyAsync(string file, Declarations declarations)
    {
        foreach (var source in declarations.Sources ?? [])
        {
            Refuse(file, $"source '{source.Name}'", source.Validate());
            var reply = await sources.ActorRef.Ask<ISourceReply>(new SourceCommands.Configure(source.Name, StoredSource.Protect(source, protector)), Ask);
            if (reply is SourceReplies.Rejected rejected)
                Refuse(file, $"source '{source.Name}'", rejected.Errors);
            await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.RegisterSource(source.Name), Ask);
        }
        foreach (var tenant in declarations.Tenants ?? [])
        {
            Refuse(file, $"tenant '{tenant.Name}'", tenant.Validate());
            if (await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.SetTenant(StoredTenant.Protect(tenant, protector)), Ask) is SharingReplies.Rejected rejected)
                Refuse(file, $"tenant '{tenant.Name}'", rejected.Errors);
        }
        foreach (var rule in declarations.Sharing ?? [])
        {
            if (await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.SetRule(rule), Ask) is SharingReplies.Rejected rejected)
                Refuse(file, $"sharing rule '{rule.Name}'", rejected.Errors);
        }
    }

    private static void Refuse(string file, string what, IReadOnlyList<Domain.ValidationError> errors)
    {
        if (errors.Count > 0)
            throw new InvalidOperationException($"{file}: {what} is not valid: {string.Join(" ", errors.Select(e => $"[{e.Field}] {e.Message}"))}");
    }
}
