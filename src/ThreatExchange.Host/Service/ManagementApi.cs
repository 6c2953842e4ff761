using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ThreatExchange.Domain;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.Budget;
using ThreatExchange.Engine.ReadSide;
using ThreatExchange.Proofpoint.Budget;
using ThreatExchange.Proofpoint.Client;
using ThreatExchange.Proofpoint.Extraction;
using ThreatExchange.Proofpoint.Windows;
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
        api.MapPut("/sources/{name}", async (string name, SourceConfiguration configuration, SecretProtector protector, TimeProvider clock, SourceStatusReader reader,
            IRequiredActor<SourceRegion> sources, IRequiredActor<DirectoryRegion> directory, IRequiredActor<BudgetRegion> budgets) =>
        {
            if (configuration.Name != name)
                return Problem([new ValidationError("name", $"Configuration Name '{configuration.Name}' must match the address '{name}'.")]);
            var errors = configuration.Validate();
            if (errors.Count > 0)
                return Problem(errors);
            if (await CheckCredentials(configuration, budgets.ActorRef, clock) is { } refused)
                return Problem([refused]);
            var reply = await sources.ActorRef.Ask<ISourceReply>(new SourceCommands.Configure(name, StoredSource.Protect(configuration, protector)), Ask);
            if (reply is SourceReplies.Rejected rejected)
                return Problem(rejected.Errors);
            await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.RegisterSource(name), Ask);
            return Results.Ok(await reader.ReadAsync(name));
        });
        api.MapDelete("/sources/{name}", async (string name, IRequiredActor<SourceRegion> sources, IRequiredActor<DirectoryRegion> directory) =>
        {
            await sources.ActorRef.Ask<ISourceReply>(new SourceCommands.Delete(name), Ask);
            await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.ForgetSource(name), Ask);
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

        api.MapPut("/tenants/{name}", async (string name, TenantConfiguration tenant, SecretProtector protector, IRequiredActor<DirectoryRegion> directory) =>
        {
            if (tenant.Name != name)
                return Problem([new ValidationError("name", $"Tenant Name '{tenant.Name}' must match the address '{name}'.")]);
            var errors = tenant.Validate();
            return errors.Count > 0 ? Problem(errors) : Reply(await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.SetTenant(StoredTenant.Protect(tenant, protector)), Ask));
        });
        api.MapGet("/tenants", async (IRequiredActor<DirectoryRegion> directory) =>
            Results.Ok((await directory.ActorRef.Ask<DirectoryReplies.Listing>(new DirectoryCommands.GetDirectory(), Ask)).Tenants.Select(Redacted)));
        api.MapDelete("/tenants/{name}", async (string name, IRequiredActor<DirectoryRegion> directory) =>
            Reply(await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.DeleteTenant(name), Ask)));

        api.MapPut("/sharing/{name}", async (string name, SharingRule rule, IRequiredActor<DirectoryRegion> directory) =>
            rule.Name != name
                ? Problem([new ValidationError("name", $"Sharing Rule Name '{rule.Name}' must match the address '{name}'.")])
                : Reply(await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.SetRule(rule), Ask)));
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
        api.MapDelete("/sharing/{name}", async (string name, IRequiredActor<DirectoryRegion> directory) =>
            Reply(await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.DeleteRule(name), Ask)));

        api.MapGet("/iocs", async (ReadSideStore store, string? type, string? status, string? source, string? text, DateTimeOffset? since, int? offset, int? limit) =>
            Results.Ok(await store.QueryCatalogAsync(new CatalogQuery(type, status, source, text, since, offset ?? 0, limit ?? 50))));
        api.MapGet("/audit", async (ReadSideStore store, string? configuration, string? level, DateTimeOffset? since, int? limit) =>
            Results.Ok(await store.QueryAuditAsync(new AuditQuery(configuration, level, since, limit ?? 100))));
        return app;
    }

    /// <summary>
    /// As Cloud Exchange does on save: one small request (a 30 s window just behind the safety lag), spent from
    /// the credential's shared budget, tells a wrong secret or base URL before anything is stored.
    /// </summary>
    private static async Task<ValidationError?> CheckCredentials(SourceConfiguration configuration, IActorRef budgets, TimeProvider clock)
    {
        var gate = new ShardedRequestGate(budgets, BudgetKey.For(configuration.Principal, configuration.BaseUrl).ToString(), configuration.RequestBudgetPerDay);
        using var client = new TapClient(TapClientOptions.From(configuration) with { MaxAttempts = 1, RequestTimeout = TimeSpan.FromSeconds(20) }, gate, TimeProvider.System);
        var now = clock.GetUtcNow();
        var end = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero) - new SourceSettings().SafetyLag;
        try
        {
            await client.FetchAsync(new PollWindow(end - PollWindow.MinimumLength, end), new IocExtractor());
            return null;
        }
        catch (TapException e) when (e.Kind is TapErrorKind.Unauthorized or TapErrorKind.Forbidden)
        {
            return new ValidationError("principal", e.Message);
        }
        catch (TapException e) when (e.Kind is not (TapErrorKind.Throttled or TapErrorKind.BudgetExhausted or TapErrorKind.IntervalStillCurrent))
        {
            return new ValidationError("baseUrl", e.Message);
        }
        catch (TapException)
        {
            // The budget is spent: the credentials may well be right, so the source is kept and polls when it can.
            return null;
        }
    }

    private static object Redacted(StoredTenant tenant) => new
    {
        tenant.Name, tenant.TenantUrl, tenant.UrlListName, tenant.UrlListType, tenant.FileHashListName,
        tenant.UrlListCapMegabytes, tenant.FileHashListCapMegabytes, hasV1Token = tenant.ProtectedV1Token is not null,
    };

    private static IResult Reply(ISharingReply reply) => reply switch
    {
        SharingReplies.Rejected rejected => Problem(rejected.Errors),
        _ => Results.Ok(reply),
    };

    private static IResult NotFound(string kind, string name) =>
        Results.Problem(title: $"No {kind} named '{name}'.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>One entry per invalid field, each with every message that field broke.</summary>
    private static IResult Problem(IReadOnlyList<ValidationError> errors) =>
        Results.ValidationProblem(errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: "The configuration is not valid.");
}
