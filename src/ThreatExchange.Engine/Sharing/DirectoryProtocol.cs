using ThreatExchange.Domain.Configuration;

namespace ThreatExchange.Engine.Sharing;

/// <summary>
/// Messages to the configuration directory: the one entity that sees every source name, tenant and rule,
/// so the rules that reach across them (one list, one rule; no sharing back to Proofpoint) hold cluster-wide.
/// </summary>
public interface IDirectoryMessage
{
    /// <summary>Always <see cref="DirectoryCommands.EntityId"/>: one directory per cluster.</summary>
    string DirectoryId => DirectoryCommands.EntityId;
}

public interface IDirectoryEvent;

public static class DirectoryCommands
{
    public const string EntityId = "directory";

    public sealed record RegisterSource(string Name) : IDirectoryMessage;

    public sealed record ForgetSource(string Name) : IDirectoryMessage;

    public sealed record SetTenant(StoredTenant Tenant) : IDirectoryMessage;

    public sealed record DeleteTenant(string Name) : IDirectoryMessage;

    public sealed record SetRule(SharingRule Rule) : IDirectoryMessage;

    public sealed record DeleteRule(string Name) : IDirectoryMessage;

    public sealed record GetDirectory : IDirectoryMessage;
}

public static class DirectoryReplies
{
    public sealed record Listing(IReadOnlyList<string> Sources, IReadOnlyList<StoredTenant> Tenants, IReadOnlyList<SharingRule> Rules) : IDirectoryMessage;
}

public static class DirectoryEvents
{
    public sealed record SourceRegistered(string Name) : IDirectoryEvent;

    public sealed record SourceForgotten(string Name) : IDirectoryEvent;

    public sealed record TenantSet(StoredTenant Tenant) : IDirectoryEvent;

    public sealed record TenantDeleted(string Name) : IDirectoryEvent;

    public sealed record RuleSet(SharingRule Rule) : IDirectoryEvent;

    public sealed record RuleDeleted(string Name) : IDirectoryEvent;
}
