using System.Collections.Immutable;
using System.Runtime.InteropServices;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Iocs;

namespace ThreatExchange.Proofpoint.Extraction;

/// <summary>One event's word on one IoC: when, with which status and classification.</summary>
internal readonly record struct Mention(
    IocType Type,
    string Value,
    DateTimeOffset Time,
    ThreatStatus Status,
    Classification Classification,
    string? DashboardLink,
    bool FromThreatsInfoMap);

/// <summary>
/// Folds mentions into IoCs: within one event an IoC counts once, at its latest mention; across events
/// sightings add up and the latest contribution decides status and classification.
/// </summary>
internal sealed class IocMerger
{
    /// <summary>Keyed by the canonical value alone: it determines its type, and string keys hash fastest.</summary>
    private readonly Dictionary<string, Aggregate> _iocs = new(StringComparer.Ordinal);

    /// <summary>An event names only a few IoCs, so a list searched in place beats a dictionary here.</summary>
    private readonly List<Mention> _currentEvent = [];

    /// <summary>One read-only set per combination of the four event types, shared by every IoC that has it.</summary>
    private static readonly IReadOnlySet<string>[] EventTypeSets = Enumerable.Range(0, 1 << ProofpointEventTypes.All.Count)
        .Select(mask => (IReadOnlySet<string>)ProofpointEventTypes.All.Where((_, bit) => (mask & (1 << bit)) != 0).ToImmutableSortedSet(StringComparer.Ordinal))
        .ToArray();

    private sealed class Aggregate(Mention first, int eventTypeBit)
    {
        public DateTimeOffset FirstSeen = first.Time;
        public DateTimeOffset LastSeen = first.Time;
        public int Sightings = 1;
        public Mention Deciding = first;
        public int EventTypeMask = eventTypeBit;
    }

    public void Mention(in Mention mention)
    {
        var held = CollectionsMarshal.AsSpan(_currentEvent);
        for (var i = 0; i < held.Length; i++)
        {
            if (held[i].Value == mention.Value)
            {
                if (BeatsWithinEvent(mention, held[i]))
                    held[i] = mention;
                return;
            }
        }
        _currentEvent.Add(mention);
    }

    public void EndEvent(string eventType)
    {
        var eventTypeBit = 1 << ProofpointEventTypes.IndexOf(eventType);
        foreach (var contribution in CollectionsMarshal.AsSpan(_currentEvent))
        {
            ref var aggregate = ref CollectionsMarshal.GetValueRefOrAddDefault(_iocs, contribution.Value, out var exists);
            if (!exists)
            {
                aggregate = new Aggregate(contribution, eventTypeBit);
                continue;
            }
            aggregate!.Sightings++;
            aggregate.EventTypeMask |= eventTypeBit;
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
            Type = pair.Value.Deciding.Type,
            Value = pair.Key,
            Status = pair.Value.Deciding.Status,
            Classification = pair.Value.Deciding.Classification,
            FirstSeen = pair.Value.FirstSeen,
            LastSeen = pair.Value.LastSeen,
            Sightings = pair.Value.Sightings,
            EventTypes = EventTypeSets[pair.Value.EventTypeMask],
            DashboardLink = WebLink(pair.Value.Deciding.DashboardLink),
        })
        .OrderBy(ioc => ioc.Type.ToWire(), StringComparer.Ordinal)
        .ThenBy(ioc => ioc.Value, StringComparer.Ordinal)
        .ToList();

    /// <summary>Only http and https links are kept; checked once per IoC, for the mention that decided it.</summary>
    private static string? WebLink(string? text) => text is not null && Ioc.IsWebLink(text) ? text : null;

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
