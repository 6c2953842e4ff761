using System.Collections.Immutable;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Iocs;
using ThreatExchange.Engine.Sources;
using ThreatExchange.Netskope;

namespace ThreatExchange.Engine.Sharing;

/// <summary>The changes one push makes: what to add to and remove from each list, and what could not go.</summary>
public sealed record SharingPlan(
    long ThroughSequenceNr,
    IReadOnlyList<SharedEntry> UrlsAdded,
    IReadOnlyList<string> UrlsRemoved,
    IReadOnlyList<SharedEntry> HashesAdded,
    IReadOnlyList<string> HashesRemoved,
    IReadOnlyList<Unshared> Unshared,
    IReadOnlyList<SharedEntry> Refreshed)
{
    /// <summary>
    /// Set on the first push after a (re)start: a push may have reached Netskope without its event being
    /// persisted, so the lists are rewritten whole from the state to drop anything the state does not hold.
    /// </summary>
    public bool Reconcile { get; init; }

    public bool ChangesUrlList => UrlsAdded.Count > 0 || UrlsRemoved.Count > 0;

    public bool ChangesFileHashList => HashesAdded.Count > 0 || HashesRemoved.Count > 0;
}

/// <summary>
/// A sharing rule's state: how far into its source's journal it has shared, and what each list holds.
/// Pure; the entity persists what the decisions return, after Netskope accepted it.
/// </summary>
public sealed record SharingState
{
    public required string RuleName { get; init; }
    public SharingRule? Rule { get; init; }
    public StoredTenant? Tenant { get; init; }
    public bool Deleted { get; init; }
    public long Offset { get; init; }
    public long? UrlListId { get; init; }
    public ImmutableDictionary<string, DateTimeOffset> UrlList { get; init; } = ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal);
    public ImmutableDictionary<string, DateTimeOffset> FileHashes { get; init; } = ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal);
    public DateTimeOffset? LastPushAt { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? LastErrorAt { get; init; }

    public bool ShouldShare => Rule is not null && Tenant is not null && !Deleted;

    public static SharingState Empty(string ruleName) => new() { RuleName = ruleName };

    public SharingState Apply(ISharingEvent e) => e switch
    {
        SharingEvents.RuleSet set => this with { Rule = set.Rule, Tenant = set.Tenant, Deleted = false },
        SharingEvents.BatchShared batch => this with
        {
            Offset = Math.Max(Offset, batch.ThroughSequenceNr),
            UrlListId = batch.UrlListId ?? UrlListId,
            UrlList = Refresh(UrlList.RemoveRange(batch.UrlsRemoved).SetItems(batch.UrlsAdded.Select(a => KeyValuePair.Create(a.Value, a.LastSeen))), batch.Refreshed),
            FileHashes = Refresh(FileHashes.RemoveRange(batch.HashesRemoved).SetItems(batch.HashesAdded.Select(a => KeyValuePair.Create(a.Value, a.LastSeen))), batch.Refreshed),
            LastPushAt = batch.UrlsAdded.Count + batch.UrlsRemoved.Count + batch.HashesAdded.Count + batch.HashesRemoved.Count > 0 ? batch.At : LastPushAt,
            LastError = null,
        },
        SharingEvents.PushFailed failed => this with { LastError = failed.Reason, LastErrorAt = failed.At },
        SharingEvents.Deleted => this with { Deleted = true },
        _ => this,
    };

    /// <summary>A listed value seen again keeps its place longer; nothing is sent for it.</summary>
    private static ImmutableDictionary<string, DateTimeOffset> Refresh(ImmutableDictionary<string, DateTimeOffset> list, IReadOnlyList<SharedEntry> seen) =>
        list.SetItems(seen.Where(s => list.TryGetValue(s.Value, out var held) && s.LastSeen > held).Select(s => KeyValuePair.Create(s.Value, s.LastSeen)));

    /// <summary>
    /// Decides what a batch of the source's IoCs changes: selected, active and young IoCs join the lists
    /// (within the caps, most recent first); IoCs Proofpoint retracted, or older than the rule's maximum age,
    /// leave them.
    /// </summary>
    public SharingPlan Plan(IReadOnlyList<StoredIoc> iocs, long throughSequenceNr, DateTimeOffset now)
    {
        var rule = Rule!;
        var tenant = Tenant!;
        var oldest = now - TimeSpan.FromDays(rule.MaxAgeDays);
        var latest = new Dictionary<string, StoredIoc>(StringComparer.Ordinal);
        foreach (var ioc in iocs)
            latest[ioc.Value] = ioc;

        var urlAdds = new List<Ioc>();
        var hashAdds = new List<Ioc>();
        var refreshed = new List<SharedEntry>();
        var urlRemoves = new HashSet<string>(StringComparer.Ordinal);
        var hashRemoves = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ioc in latest.Values)
        {
            if (!WireNames.TryParse<IocType>(ioc.Type, out var type) || !Selects(rule, ioc, type))
                continue;
            var toUrlList = rule.Actions.Contains(SharingActions.UrlList) && SharingActions.Carries(SharingActions.UrlList).Contains(type);
            var toHashList = rule.Actions.Contains(SharingActions.FileHashList) && SharingActions.Carries(SharingActions.FileHashList).Contains(type);
            var keep = rule.Statuses.Contains(ioc.Status) && ioc.LastSeen >= oldest;
            if (toUrlList)
                Decide(ioc, type, keep, UrlList, urlAdds, urlRemoves, refreshed);
            if (toHashList)
                Decide(ioc, type, keep, FileHashes, hashAdds, hashRemoves, refreshed);
        }
        urlRemoves.UnionWith(UrlList.Where(p => p.Value < oldest).Select(p => p.Key));
        hashRemoves.UnionWith(FileHashes.Where(p => p.Value < oldest).Select(p => p.Key));

        var unshared = new List<Unshared>();
        var heldUrlBytes = UrlList.Keys.Where(k => !urlRemoves.Contains(k)).Sum(k => (long)BatchPlanner.EncodedSize(k));
        var urlPlan = BatchPlanner.PlanUrlList(urlAdds, tenant.UrlListType, tenant.UrlListCapMegabytes * (long)BatchPlanner.Megabyte, heldUrlBytes);
        unshared.AddRange(urlPlan.NotShared.Select(n => new Unshared(n.Ioc.Value, n.Reason)));
        var keptUrls = urlPlan.Bodies.SelectMany(b => b).ToHashSet(StringComparer.Ordinal);

        var heldHashBytes = FileHashes.Keys.Where(k => !hashRemoves.Contains(k)).Sum(k => (long)k.Length + 1);
        var hashPlan = BatchPlanner.PlanFileHashList(hashAdds, tenant.FileHashListCapMegabytes * (long)BatchPlanner.Megabyte - heldHashBytes);
        unshared.AddRange(hashPlan.NotShared.Select(n => new Unshared(n.Ioc.Value, n.Reason)));
        var keptHashes = hashPlan.Hashes.ToHashSet(StringComparer.Ordinal);

        return new SharingPlan(
            throughSequenceNr,
            urlAdds.Where(i => keptUrls.Contains(i.Value)).Select(i => new SharedEntry(i.Value, i.LastSeen)).ToList(),
            urlRemoves.Where(UrlList.ContainsKey).Order(StringComparer.Ordinal).ToList(),
            hashAdds.Where(i => keptHashes.Contains(i.Value)).Select(i => new SharedEntry(i.Value, i.LastSeen)).ToList(),
            hashRemoves.Where(FileHashes.ContainsKey).Order(StringComparer.Ordinal).ToList(),
            unshared,
            refreshed);
    }

    private static bool Selects(SharingRule rule, StoredIoc ioc, IocType type) =>
        (rule.IocTypes.Count == 0 || rule.IocTypes.Contains(type.ToWire()))
        && (rule.Classifications.Count == 0 || rule.Classifications.Contains(ioc.Classification));

    private static void Decide(StoredIoc ioc, IocType type, bool keep, ImmutableDictionary<string, DateTimeOffset> held,
        List<Ioc> adds, HashSet<string> removes, List<SharedEntry> refreshed)
    {
        if (keep)
        {
            if (held.ContainsKey(ioc.Value))
                refreshed.Add(new SharedEntry(ioc.Value, ioc.LastSeen));
            else
                adds.Add(new Ioc { Value = ioc.Value, Type = type, FirstSeen = ioc.FirstSeen, LastSeen = ioc.LastSeen });
        }
        else if (held.ContainsKey(ioc.Value))
        {
            removes.Add(ioc.Value);
        }
    }
}
