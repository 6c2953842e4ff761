using ThreatExchange.Domain;
using ThreatExchange.Domain.Configuration;

namespace ThreatExchange.Engine.Sharing;

/// <summary>Every message routed to a sharing entity; the entity id is the rule's name.</summary>
public interface ISharingMessage
{
    string RuleName { get; }
}

public interface ISharingEvent;

public interface ISharingReply;

public static class SharingCommands
{
    /// <summary>The rule with the tenant it targets, resolved and encrypted by the caller.</summary>
    public sealed record Configure(string RuleName, SharingRule Rule, StoredTenant Tenant) : ISharingMessage;

    public sealed record Delete(string RuleName) : ISharingMessage;
}

public static class SharingQueries
{
    public sealed record GetStatus(string RuleName) : ISharingMessage;
}

public static class SharingReplies
{
    public sealed record Accepted(string RuleName) : ISharingReply;

    public sealed record Rejected(string RuleName, IReadOnlyList<ValidationError> Errors) : ISharingReply;

    public sealed record Status(
        string RuleName,
        bool Configured,
        bool Deleted,
        long Offset,
        int UrlListCount,
        int FileHashCount,
        DateTimeOffset? LastPushAt,
        string? LastError,
        DateTimeOffset? LastErrorAt) : ISharingReply;
}

/// <summary>A value a list holds, with when it was last seen, for aging out.</summary>
public sealed record SharedEntry(string Value, DateTimeOffset LastSeen);

/// <summary>A value left out, and why: Netskope refused it or a cap was reached.</summary>
public sealed record Unshared(string Value, string Reason);

public static class SharingEvents
{
    public sealed record RuleSet(SharingRule Rule, StoredTenant Tenant, DateTimeOffset At) : ISharingEvent;

    /// <summary>Persisted only after Netskope accepted it (and the URL list was deployed): the offset and the lists move together.</summary>
    public sealed record BatchShared(
        long ThroughSequenceNr,
        long? UrlListId,
        IReadOnlyList<SharedEntry> UrlsAdded,
        IReadOnlyList<string> UrlsRemoved,
        IReadOnlyList<SharedEntry> HashesAdded,
        IReadOnlyList<string> HashesRemoved,
        IReadOnlyList<Unshared> Unshared,
        IReadOnlyList<SharedEntry> Refreshed,
        DateTimeOffset At) : ISharingEvent;

    public sealed record PushFailed(long ThroughSequenceNr, string Reason, DateTimeOffset At) : ISharingEvent;

    public sealed record Deleted(DateTimeOffset At) : ISharingEvent;
}
