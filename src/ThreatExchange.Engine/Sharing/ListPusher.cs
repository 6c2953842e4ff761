using ThreatExchange.Domain.Configuration;
using ThreatExchange.Netskope;

namespace ThreatExchange.Engine.Sharing;

/// <summary>What Netskope did with a plan: the URL list's id and the values it refused.</summary>
public sealed record PushOutcome(long? UrlListId, IReadOnlyList<Unshared> Refused);

/// <summary>
/// Carries a plan out against one tenant: additions appended, removals made by replacing the URL list with
/// its complete intended content, one deploy after the URL list changed, and the whole file hash list sent
/// whenever it changed (the v1 API replaces it).
/// </summary>
internal sealed class ListPusher(NetskopeHttp http, TenantConfiguration tenant) : IDisposable
{
    private readonly UrlListClient _urls = new(http);
    private readonly FileHashListClient _hashes = new(http);

    public void Dispose() => http.Dispose();

    public async Task<PushOutcome> PushAsync(SharingState state, SharingPlan plan, CancellationToken cancellationToken)
    {
        var listId = state.UrlListId;
        var refused = new List<Unshared>();
        var rule = state.Rule!;
        if (plan.ChangesUrlList || (plan.Reconcile && rule.Actions.Contains(SharingActions.UrlList)))
        {
            listId ??= (await _urls.FindAsync(tenant.UrlListName, cancellationToken).ConfigureAwait(false))?.Id;
            var additions = plan.UrlsAdded.Select(a => a.Value).ToList();
            var removed = plan.UrlsRemoved.ToHashSet(StringComparer.Ordinal);
            var content = state.UrlList.Keys.Where(k => !removed.Contains(k)).Concat(additions).ToList();
            UrlListPushResult? result = null;
            if (listId is null)
            {
                if (content.Count > 0)
                    result = await _urls.CreateAsync(tenant.UrlListName, tenant.UrlListType, content, cancellationToken).ConfigureAwait(false);
            }
            else if (removed.Count > 0 || plan.Reconcile)
            {
                result = await _urls.ReplaceAsync(listId.Value, tenant.UrlListType, content, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                foreach (var body in additions.Chunk(BatchPlanner.MaxValuesPerPush))
                {
                    var appended = await _urls.AppendAsync(listId.Value, tenant.UrlListType, body, cancellationToken).ConfigureAwait(false);
                    refused.AddRange(appended.Rejected.Select(r => new Unshared(r.Value, $"Netskope refused it: {r.Reason}")));
                }
            }
            if (result is not null)
            {
                listId = result.ListId;
                refused.AddRange(result.Rejected.Select(r => new Unshared(r.Value, $"Netskope refused it: {r.Reason}")));
            }
            await _urls.DeployAsync(cancellationToken).ConfigureAwait(false);
        }
        if (plan.ChangesFileHashList || (plan.Reconcile && rule.Actions.Contains(SharingActions.FileHashList)))
        {
            var removed = plan.HashesRemoved.ToHashSet(StringComparer.Ordinal);
            var content = state.FileHashes.Keys.Where(k => !removed.Contains(k)).Concat(plan.HashesAdded.Select(a => a.Value)).ToList();
            await _hashes.ReplaceAsync(tenant.FileHashListName!, content, cancellationToken).ConfigureAwait(false);
        }
        return new PushOutcome(listId, refused);
    }
}
