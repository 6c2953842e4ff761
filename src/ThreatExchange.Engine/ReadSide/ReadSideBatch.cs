using ThreatExchange.Engine.Sharing;
using ThreatExchange.Engine.Sources;

namespace ThreatExchange.Engine.ReadSide;

/// <summary>
/// What a run of journal events means for the catalog and the audit log. Pure: built from events, merged
/// with the rows they touch, so the projection itself only reads, calls this and writes.
/// </summary>
public sealed class ReadSideBatch
{
    private const int MaxUnsharedAuditEntries = 50;

    private readonly List<(string Source, StoredIoc Ioc)> _observed = [];
    private readonly List<(string Rule, string Value, DateTimeOffset At, bool Shared)> _sharing = [];

    public List<AuditRow> Audit { get; } = [];

    public IEnumerable<string> CatalogValues => _observed.Select(o => o.Ioc.Value).Concat(_sharing.Select(s => s.Value)).Distinct(StringComparer.Ordinal);

    public void Add(string persistenceId, object e)
    {
        switch (persistenceId.Split('-', 2))
        {
            case ["source", var source]:
                AddSource(source, e);
                break;
            case ["sharing", var rule]:
                AddSharing(rule, e);
                break;
        }
    }

    private void AddSource(string source, object e)
    {
        switch (e)
        {
            case SourceEvents.ConfigurationSet set:
                Log(set.At, source, "configuration", "info",
                    $"Configuration set: {set.Configuration.BaseUrl}, every {set.Configuration.PollIntervalSeconds} s, initial range {set.Configuration.InitialRangeHours} h, look-back {set.Configuration.LookBackLimitHours} h.");
                break;
            case SourceEvents.WindowCompleted done:
                foreach (var ioc in done.Iocs)
                    _observed.Add((source, ioc));
                Log(done.At, source, "poll", "info",
                    $"Window {done.Window}: {done.Events} events, {done.Found} IoCs found, {done.Iocs.Count} new or changed, {done.Skipped} records skipped.");
                break;
            case SourceEvents.GapRecorded gap:
                Log(gap.At, source, "gap", "warning", gap.Reason);
                break;
            case SourceEvents.PollFailed failed:
                Log(failed.At, source, "poll-failed", "error", $"Window {failed.Window} failed ({failed.Kind}): {failed.Reason}");
                break;
            case SourceEvents.Paused paused:
                Log(paused.At, source, "configuration", "info", "Paused.");
                break;
            case SourceEvents.Resumed resumed:
                Log(resumed.At, source, "configuration", "info", "Resumed.");
                break;
            case SourceEvents.Deleted deleted:
                Log(deleted.At, source, "configuration", "info", "Deleted.");
                break;
        }
    }

    private void AddSharing(string rule, object e)
    {
        switch (e)
        {
            case SharingEvents.RuleSet set:
                Log(set.At, rule, "configuration", "info", $"Sharing rule set: {set.Rule.Source} → {set.Tenant.Name} ({string.Join(", ", set.Rule.Actions)}).");
                break;
            case SharingEvents.BatchShared batch:
                foreach (var added in batch.UrlsAdded.Concat(batch.HashesAdded))
                    _sharing.Add((rule, added.Value, batch.At, true));
                foreach (var removed in batch.UrlsRemoved.Concat(batch.HashesRemoved))
                    _sharing.Add((rule, removed, batch.At, false));
                if (batch.UrlsAdded.Count + batch.HashesAdded.Count > 0)
                    Log(batch.At, rule, "share", "info", $"Shared {batch.UrlsAdded.Count} URLs and {batch.HashesAdded.Count} file hashes.");
                if (batch.UrlsRemoved.Count + batch.HashesRemoved.Count > 0)
                    Log(batch.At, rule, "retraction", "info",
                        $"Removed {batch.UrlsRemoved.Count} URLs and {batch.HashesRemoved.Count} file hashes (retracted by Proofpoint or past the maximum age).");
                foreach (var unshared in batch.Unshared.Take(MaxUnsharedAuditEntries))
                    Log(batch.At, rule, "not-shared", "warning", $"Not shared: {unshared.Value}: {unshared.Reason}");
                if (batch.Unshared.Count > MaxUnsharedAuditEntries)
                    Log(batch.At, rule, "not-shared", "warning", $"... and {batch.Unshared.Count - MaxUnsharedAuditEntries} more not shared.");
                break;
            case SharingEvents.PushFailed failed:
                Log(failed.At, rule, "share-failed", "error", failed.Reason);
                break;
            case SharingEvents.Deleted deleted:
                Log(deleted.At, rule, "configuration", "info", "Sharing rule deleted.");
                break;
        }
    }

    private void Log(DateTimeOffset at, string configuration, string kind, string level, string message) =>
        Audit.Add(new AuditRow { At = at, Configuration = configuration, Kind = kind, Level = level, Message = message.Length > 4000 ? message[..4000] : message });

    /// <summary>The catalog rows after this batch, starting from the rows already stored for its values.</summary>
    public IEnumerable<CatalogRow> Merge(IReadOnlyDictionary<string, CatalogRow> existing)
    {
        var rows = existing.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var (source, ioc) in _observed)
        {
            if (!rows.TryGetValue(ioc.Value, out var row))
            {
                rows[ioc.Value] = new CatalogRow
                {
                    Value = ioc.Value, Type = ioc.Type, Status = ioc.Status, Classification = ioc.Classification,
                    FirstSeen = ioc.FirstSeen, LastSeen = ioc.LastSeen, Sightings = ioc.Sightings, Sources = source,
                };
                continue;
            }
            if (ioc.LastSeen >= row.LastSeen)
                (row.Status, row.Classification, row.LastSeen) = (ioc.Status, ioc.Classification, ioc.LastSeen);
            if (ioc.FirstSeen < row.FirstSeen)
                row.FirstSeen = ioc.FirstSeen;
            row.Sightings += ioc.Sightings;
            row.Sources = string.Join(',', row.Sources.Split(',', StringSplitOptions.RemoveEmptyEntries).Append(source).Distinct().Order(StringComparer.Ordinal));
        }
        foreach (var (rule, value, at, shared) in _sharing)
        {
            if (!rows.TryGetValue(value, out var row))
                continue;
            var others = row.SharedWith.Split(',', StringSplitOptions.RemoveEmptyEntries).Where(s => s.Split('@')[0] != rule);
            row.SharedWith = string.Join(',', shared ? others.Append($"{rule}@{at:O}") : others);
        }
        return rows.Values;
    }
}
