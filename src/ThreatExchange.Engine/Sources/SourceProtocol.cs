using ThreatExchange.Domain;
using ThreatExchange.Proofpoint.Windows;

namespace ThreatExchange.Engine.Sources;

/// <summary>Every message routed to a source entity; the shard region reads the entity id from it.</summary>
public interface ISourceMessage
{
    string SourceName { get; }
}

/// <summary>What a source entity persists.</summary>
public interface ISourceEvent;

/// <summary>What a source entity answers.</summary>
public interface ISourceReply;

public static class SourceCommands
{
    /// <summary>Create or update; the secret arrives already encrypted, so it never crosses the network in plaintext.</summary>
    public sealed record Configure(string SourceName, StoredSource Configuration) : ISourceMessage;

    public sealed record Pause(string SourceName) : ISourceMessage;

    public sealed record Resume(string SourceName) : ISourceMessage;

    public sealed record PollNow(string SourceName) : ISourceMessage;

    /// <summary>Idempotent: deleting a deleted or never-configured source is accepted and changes nothing.</summary>
    public sealed record Delete(string SourceName) : ISourceMessage;
}

public static class SourceQueries
{
    public sealed record GetStatus(string SourceName) : ISourceMessage;

    /// <summary>The stored configuration, its secret still encrypted, so an edit can keep a secret the form leaves blank.</summary>
    public sealed record GetConfiguration(string SourceName) : ISourceMessage;
}

public static class SourceReplies
{
    public sealed record Accepted(string SourceName) : ISourceReply;

    public sealed record Rejected(string SourceName, IReadOnlyList<ValidationError> Errors) : ISourceReply;

    /// <summary>Null when the source was never configured or is deleted.</summary>
    public sealed record Configuration(string SourceName, StoredSource? Stored) : ISourceReply;

    public sealed record Status(
        string SourceName,
        string? Credential,
        bool Configured,
        bool Paused,
        bool Deleted,
        DateTimeOffset? Checkpoint,
        TimeSpan? Lag,
        int WindowsBehind,
        long WindowsCompleted,
        int KnownIocs,
        int Gaps,
        string? LastError,
        DateTimeOffset? LastErrorAt,
        DateTimeOffset? RetryNotBefore,
        string Node) : ISourceReply;
}

public static class SourceEvents
{
    public sealed record ConfigurationSet(StoredSource Configuration, DateTimeOffset At) : ISourceEvent;

    /// <summary>The checkpoint advance (or re-sweep) and the IoCs it found that are new or changed, in one event: never half a window.</summary>
    public sealed record WindowCompleted(PollWindow Window, IReadOnlyList<StoredIoc> Iocs, int Events, int Skipped, DateTimeOffset At) : ISourceEvent
    {
        /// <summary>IoCs the window held before dedupe; <see cref="Iocs"/> keeps only the new or changed ones.</summary>
        public int Found { get; init; }
    }

    public sealed record GapRecorded(PollGap Gap, string Reason, DateTimeOffset At) : ISourceEvent;

    public sealed record PollFailed(PollWindow Window, string Kind, string Reason, DateTimeOffset? RetryNotBefore, DateTimeOffset At) : ISourceEvent;

    public sealed record Paused(DateTimeOffset At) : ISourceEvent;

    public sealed record Resumed(DateTimeOffset At) : ISourceEvent;

    public sealed record Deleted(DateTimeOffset At) : ISourceEvent;
}

/// <summary>The persisted picture of a source's state, taken every N events so recovery does not replay them all.</summary>
public sealed record SourceSnapshot(
    string Name,
    StoredSource? Configuration,
    DateTimeOffset? Checkpoint,
    DateTimeOffset? ResweptUntil,
    IReadOnlyList<KnownIocEntry> KnownIocs,
    bool Paused,
    bool Deleted,
    long WindowsCompleted,
    IReadOnlyList<PollGap> Gaps,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    int ConsecutiveFailures,
    DateTimeOffset? RetryNotBefore);

public sealed record KnownIocEntry(string Value, string Status, DateTimeOffset LastSeen, DateTimeOffset LastShared);
