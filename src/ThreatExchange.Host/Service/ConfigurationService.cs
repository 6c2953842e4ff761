using Akka.Actor;
using Akka.Hosting;
using ThreatExchange.Domain;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.Budget;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Engine.Sources;
using ThreatExchange.Proofpoint.Budget;
using ThreatExchange.Proofpoint.Client;
using ThreatExchange.Proofpoint.Extraction;
using ThreatExchange.Proofpoint.Windows;

namespace ThreatExchange.Host.Service;

/// <summary>
/// Saving and deleting sources, tenants and sharing rules with every check, the same for the API and the console:
/// validation, the credential check on save, the directory's cross-rules. An empty list of errors means saved.
/// </summary>
public sealed class ConfigurationService(IRequiredActor<SourceRegion> sources, IRequiredActor<DirectoryRegion> directory,
    IRequiredActor<BudgetRegion> budgets, SecretProtector protector, TimeProvider clock)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(15);

    public async Task<DirectoryReplies.Listing> DirectoryAsync() =>
        await directory.ActorRef.Ask<DirectoryReplies.Listing>(new DirectoryCommands.GetDirectory(), Ask);

    /// <returns>The stored configuration of a source, or null if there is none.</returns>
    public async Task<SourceConfiguration?> SourceAsync(string name) =>
        (await sources.ActorRef.Ask<SourceReplies.Configuration>(new SourceQueries.GetConfiguration(name), Ask)).Stored?.Unprotect(protector);

    public async Task<IReadOnlyList<ValidationError>> SaveSourceAsync(SourceConfiguration configuration)
    {
        var errors = configuration.Validate();
        if (errors.Count > 0)
            return errors;
        if (await CheckCredentials(configuration) is { } refused)
            return [refused];
        var reply = await sources.ActorRef.Ask<ISourceReply>(new SourceCommands.Configure(configuration.Name, StoredSource.Protect(configuration, protector)), Ask);
        if (reply is SourceReplies.Rejected rejected)
            return rejected.Errors;
        await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.RegisterSource(configuration.Name), Ask);
        return [];
    }

    public async Task DeleteSourceAsync(string name)
    {
        await sources.ActorRef.Ask<ISourceReply>(new SourceCommands.Delete(name), Ask);
        await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.ForgetSource(name), Ask);
    }

    public async Task<IReadOnlyList<ValidationError>> SaveTenantAsync(TenantConfiguration tenant)
    {
        var errors = tenant.Validate();
        return errors.Count > 0 ? errors : Errors(await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.SetTenant(StoredTenant.Protect(tenant, protector)), Ask));
    }

    public async Task<IReadOnlyList<ValidationError>> DeleteTenantAsync(string name) =>
        Errors(await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.DeleteTenant(name), Ask));

    public async Task<IReadOnlyList<ValidationError>> SaveRuleAsync(SharingRule rule) =>
        Errors(await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.SetRule(rule), Ask));

    public async Task<IReadOnlyList<ValidationError>> DeleteRuleAsync(string name) =>
        Errors(await directory.ActorRef.Ask<ISharingReply>(new DirectoryCommands.DeleteRule(name), Ask));

    private static IReadOnlyList<ValidationError> Errors(ISharingReply reply) => reply is SharingReplies.Rejected rejected ? rejected.Errors : [];

    /// <summary>
    /// As Cloud Exchange does on save: one small request (a 30 s window just behind the safety lag), spent from
    /// the credential's shared budget, tells a wrong secret or base URL before anything is stored.
    /// </summary>
    private async Task<ValidationError?> CheckCredentials(SourceConfiguration configuration)
    {
        var gate = new ShardedRequestGate(budgets.ActorRef, BudgetKey.For(configuration.Principal, configuration.BaseUrl).ToString(), configuration.RequestBudgetPerDay);
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
}
