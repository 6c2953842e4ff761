using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ThreatExchange.Domain;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Engine.ReadSide;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Engine.Sources;

namespace ThreatExchange.Host.Service;

/// <summary>
/// The HTTP management API: sources, tenants and sharing rules, the IoC catalog, the audit log and health.
/// Invalid input answers <c>application/problem+json</c> with one entry per field; secrets never come back.
/// </summary>
public static class ManagementApi
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", (ActorSystem system) =>
            Cluster.Get(system).SelfMember.Status == MemberStatus.Up ? Results.Text("ready") : Results.Text("joining", statusCode: 503));

        var api = app.MapGroup("/api");
        api.MapGet("/sources", async (IRequiredActor<DirectoryRegion> directory, SourceStatusReader reader) =>
        {
            var listing = await directory.ActorRef.Ask<DirectoryReplies.Listing>(new DirectoryCommands.GetDirectory(), Ask);
            return Results.Ok(await reader.ReadAllAsync(listing.Sources));
        });
        api.MapGet("/sources/{name}", async (string name, SourceStatusReader reader) =>
            await reader.ReadAsync(name) is { } view ? Results.Ok(view) : NotFound("source", name));
        api.MapPut("/sources/{name}", async (string name, SourceConfiguration configuration, ConfigurationService configurations, SourceStatusReader reader) =>
        {
            if (configuration.Name != name)
                return Problem([new ValidationError("name", $"Configuration Name '{configuration.Name}' must match the address '{name}'.")]);
            var errors = await configurations.SaveSourceAsync(configuration);
            return errors.Count > 0 ? Problem(errors) : Results.Ok(await reader.ReadAsync(name));
        });
        api.MapDelete("/sources/{name}", async (string name, ConfigurationService configurations) =>
        {
            await configurations.DeleteSourceAsync(name);
            return Results.NoContent();
        });
        foreach (var (verb, command) in new (string, Func<string, ISourceMessage>)[]
                 {
                     ("poll", n => new SourceCommands.PollNow(n)), ("pause", n => new SourceCommands.Pause(n)), ("resume", n => new SourceCommands.Resume(n)),
                 })
        {
            api.MapPost($"/sources/{{name}}/{verb}", async (string name, IRequiredActor<SourceRegion> sources, SourceStatusReader reader) =>
            {
                await sources.ActorRef.Ask<ISourceReply>(command(name), Ask);
                return await reader.ReadAsync(name) is { } view ? Results.Ok(view) : NotFound("source", name);
            });
        }

        api.MapPut("/tenants/{name}", async (string name, TenantConfiguration tenant, ConfigurationService configurations) =>
            tenant.Name != name
                ? Problem([new ValidationError("name", $"Tenant Name '{tenant.Name}' must match the address '{name}'.")])
                : Saved(await configurations.SaveTenantAsync(tenant)));
        api.MapGet("/tenants", async (IRequiredActor<DirectoryRegion> directory) =>
            Results.Ok((await directory.ActorRef.Ask<DirectoryReplies.Listing>(new DirectoryCommands.GetDirectory(), Ask)).Tenants.Select(Redacted)));
        api.MapDelete("/tenants/{name}", async (string name, ConfigurationService configurations) => Saved(await configurations.DeleteTenantAsync(name)));

        api.MapPut("/sharing/{name}", async (string name, SharingRule rule, ConfigurationService configurations) =>
            rule.Name != name
                ? Problem([new ValidationError("name", $"Sharing Rule Name '{rule.Name}' must match the address '{name}'.")])
                : Saved(await configurations.SaveRuleAsync(rule)));
        api.MapGet("/sharing", async (IRequiredActor<DirectoryRegion> directory, IRequiredActor<SharingRegion> sharing) =>
        {
            var listing = await directory.ActorRef.Ask<DirectoryReplies.Listing>(new DirectoryCommands.GetDirectory(), Ask);
            var statuses = await Task.WhenAll(listing.Rules.Select(async rule => new
            {
                rule,
                status = await sharing.ActorRef.Ask<SharingReplies.Status>(new SharingQueries.GetStatus(rule.Name), Ask),
            }));
            return Results.Ok(statuses);
        });
        api.MapDelete("/sharing/{name}", async (string name, ConfigurationService configurations) => Saved(await configurations.DeleteRuleAsync(name)));

        api.MapGet("/iocs", async (ReadSideStore store, string? type, string? status, string? source, string? text, DateTimeOffset? since, int? offset, int? limit) =>
            Results.Ok(await store.QueryCatalogAsync(new CatalogQuery(type, status, source, text, since, offset ?? 0, limit ?? 50))));
        api.MapGet("/audit", async (ReadSideStore store, string? configuration, string? level, DateTimeOffset? since, int? limit) =>
            Results.Ok(await store.QueryAuditAsync(new AuditQuery(configuration, level, since, limit ?? 100))));
        return app;
    }

    private static object Redacted(StoredTenant tenant) => new
    {
        tenant.Name, tenant.TenantUrl, tenant.UrlListName, tenant.UrlListType, tenant.FileHashListName,
        tenant.UrlListCapMegabytes, tenant.FileHashListCapMegabytes, hasV1Token = tenant.ProtectedV1Token is not null,
    };

    private static IResult Saved(IReadOnlyList<ValidationError> errors) => errors.Count > 0 ? Problem(errors) : Results.Ok(new { saved = true });

    private static IResult NotFound(string kind, string name) =>
        Results.Problem(title: $"No {kind} named '{name}'.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>One entry per invalid field, each with every message that field broke.</summary>
    private static IResult Problem(IReadOnlyList<ValidationError> errors) =>
        Results.ValidationProblem(errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: "The configuration is not valid.");
}
