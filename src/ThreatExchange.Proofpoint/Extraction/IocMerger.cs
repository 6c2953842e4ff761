using ThreatExchange.Domain.Iocs;

namespace ThreatExchange.Proofpoint.Extraction;

/// <summary>One event's word on one IoC: when, with which status and classification.</summary>
internal readonly record struct Mention(
    IocType Type,
    string Value,
    DateTimeOffset Time,
    ThreatStatus Status,
    Classification Classification,
    Uri? DashboardLink,
    bool FromThreatsInfoMap);

/// <summary>
/// Folds mentions into IoCs: within one event an IoC counts once, at its latest mention; across events
/// sightings add up and the latest contribution decides status and classification.
/// </summary>
internal sealed class IocMerger
{
    private readonly Dictionary<(IocType, string), Aggregate> _iocs = [];
    private readonly Dictionary<(IocType, string), Mention> _currentEvent = [];

    private sealed class Aggregate(Mention first, string eventType)
    {
        public DateTimeOffset FirstSeen = first.Time;
        public DateTimeOffset LastSeen = first.Time;
        public int Sightings = 1;
        public Mention Deciding = first;
        public readonly SortedSet<string> EventTypes = new(StringComparer.Ordinal) { eventType };
    }

    public void Mention(in Mention mention)
    {
        var key = (mention.Type, mention.Value);
        if (!_currentEvent.TryGetValue(key, out var held) || BeatsWithinEvent(mention, held))
            _currentEvent[key] = mention;
    }

    public void EndEvent(string eventType)
    {
        foreach (var (key, contribution) in _currentEvent)
        {
            if (!_iocs.TryGetValue(key, out var aggregate))
            {
                _iocs[key] = new Aggregate(contribution, eventType);
                continue;
            }
            aggregate.Sightings++;
            aggregate.EventTypes.Add(eventType);
            if (contribution.Time < aggregate.FirstSeen)
                aggregate.FirstSeen = contribution.Time;
            if (contribution.Time > aggregate.LastSeen)
                aggregate.LastSeen = contribution.Time;
            if (contribution.Time > aggregate.Deciding.Time
                || (contribution.Time == aggregate.Deciding.Time && Precedence(contribution.Status) > Precedence(aggregate.Deciding.Status)))
                aggregate.Deciding = contribution;
        }
        _currentEvent.Clear();
    }

    /// <summary>Forgets what an event mentioned so far, when the event turns out to be unusable.</summary>
    public void DiscardEvent() => _currentEvent.Clear();

    public IReadOnlyList<Ioc> Result() => _iocs
        .Select(pair => new Ioc
        {
            Type = pair.Key.Item1,
            Value = pair.Key.Item2,
            Status = pair.Value.Deciding.Status,
            Classification = pair.Value.Deciding.Classification,
            FirstSeen = pair.Value.FirstSeen,
            LastSeen = pair.Value.LastSeen,
            Sightings = pair.Value.Sightings,
            EventTypes = pair.Value.EventTypes,
            DashboardLink = pair.Value.Deciding.DashboardLink,
        })
        .OrderBy(ioc => ioc.Type.ToWire(), StringComparer.Ordinal)
        .ThenBy(ioc => ioc.Value, StringComparer.Ordinal)
        .ToList();

    private static bool BeatsWithinEvent(in Mention candidate, in Mention held)
    {
        if (candidate.Time != held.Time)
            return candidate.Time > held.Time;
        if (candidate.FromThreatsInfoMap != held.FromThreatsInfoMap)
            return candidate.FromThreatsInfoMap;
        return Precedence(candidate.Status) > Precedence(held.Status);
    }

    /// <summary>On a tie the more decisive verdict wins: a false positive outranks a clearing, which outranks active.</summary>
    private static int Precedence(ThreatStatus status) => status switch
    {
        ThreatStatus.FalsePositive => 2,
        ThreatStatus.Cleared => 1,
        _ => 0,
    };
}
