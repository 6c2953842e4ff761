using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using ThreatExchange.Domain;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Engine.Sharing;

/// <summary>The directory's state: every source name, tenant and rule, changed only by <see cref="Apply"/>.</summary>
public sealed record DirectoryState
{
    public ImmutableSortedSet<string> Sources { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
    public ImmutableSortedDictionary<string, StoredTenant> Tenants { get; init; } = ImmutableSortedDictionary.Create<string, StoredTenant>(StringComparer.Ordinal);
    public ImmutableSortedDictionary<string, SharingRule> Rules { get; init; } = ImmutableSortedDictionary.Create<string, SharingRule>(StringComparer.Ordinal);

    public DirectoryState Apply(IDirectoryEvent e) => e switch
    {
        DirectoryEvents.SourceRegistered s => this with { Sources = Sources.Add(s.Name) },
        DirectoryEvents.SourceForgotten s => this with { Sources = Sources.Remove(s.Name) },
        DirectoryEvents.TenantSet t => this with { Tenants = Tenants.SetItem(t.Tenant.Name, t.Tenant) },
        DirectoryEvents.TenantDeleted t => this with { Tenants = Tenants.Remove(t.Name) },
        DirectoryEvents.RuleSet r => this with { Rules = Rules.SetItem(r.Rule.Name, r.Rule) },
        DirectoryEvents.RuleDeleted r => this with { Rules = Rules.Remove(r.Name) },
        _ => this,
    };

    public IReadOnlyList<ValidationError> ValidateRule(SharingRule rule, SecretProtector protector) =>
        rule.Validate(new SharingContext(Sources, Tenants.Values.Select(t => t.Unprotect(protector)).ToList(), Rules.Values.Where(r => r.Name != rule.Name).ToList()));

    public IReadOnlyList<ValidationError> ValidateTenantDeletion(string name) =>
        Rules.Values.Where(r => r.Tenant == name)
            .Select(r => new ValidationError("name", $"Tenant '{name}' is the target of sharing rule '{r.Name}'; delete or change the rule first."))
            .ToList();
}

/// <summary>
/// One per cluster (a sharded entity with a single id): validates tenants and rules against everything
/// else, persists them, and hands each rule, with its tenant resolved, to its sharing entity.
/// </summary>
public sealed class DirectoryEntity : ReceivePersistentActor
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private readonly SecretProtector _protector;
    private readonly IActorRef _sharing;
    private DirectoryState _state = new();

    public DirectoryEntity(SecretProtector protector, IActorRef sharing)
    {
        _protector = protector;
        _sharing = sharing;
        Recover<IDirectoryEvent>(e => _state = _state.Apply(e));

        Command<DirectoryCommands.RegisterSource>(r => Persist(new DirectoryEvents.SourceRegistered(r.Name), Accept(r.Name)));
        Command<DirectoryCommands.ForgetSource>(f => Persist(new DirectoryEvents.SourceForgotten(f.Name), Accept(f.Name)));
        Command<DirectoryCommands.SetTenant>(SetTenant);
        Command<DirectoryCommands.DeleteTenant>(d =>
        {
            var errors = _state.ValidateTenantDeletion(d.Name);
            if (errors.Count > 0)
                Sender.Tell(new SharingReplies.Rejected(d.Name, errors));
            else
                Persist(new DirectoryEvents.TenantDeleted(d.Name), Accept(d.Name));
        });
        Command<DirectoryCommands.SetRule>(SetRule);
        Command<DirectoryCommands.DeleteRule>(d =>
        {
            var replyTo = Sender;
            Persist(new DirectoryEvents.RuleDeleted(d.Name), e =>
            {
                _state = _state.Apply(e);
                _sharing.Ask<ISharingReply>(new SharingCommands.Delete(d.Name), AskTimeout).PipeTo(replyTo);
            });
        });
        Command<DirectoryCommands.GetDirectory>(_ => Sender.Tell(new DirectoryReplies.Listing(_state.Sources.ToList(), _state.Tenants.Values.ToList(), _state.Rules.Values.ToList())));
    }

    public override string PersistenceId => "directory";

    public static Props PropsFor(SecretProtector protector, IActorRef sharing) => Props.Create(() => new DirectoryEntity(protector, sharing));

    private Action<IDirectoryEvent> Accept(string name)
    {
        var replyTo = Sender;
        return e =>
        {
            _state = _state.Apply(e);
            replyTo.Tell(new SharingReplies.Accepted(name));
        };
    }

    private void SetTenant(DirectoryCommands.SetTenant set)
    {
        var errors = set.Tenant.Unprotect(_protector).Validate();
        if (errors.Count > 0)
        {
            Sender.Tell(new SharingReplies.Rejected(set.Tenant.Name, errors));
            return;
        }
        var replyTo = Sender;
        Persist(new DirectoryEvents.TenantSet(set.Tenant), e =>
        {
            _state = _state.Apply(e);
            // Rules keep a copy of their tenant; a changed token or URL must reach them.
            foreach (var rule in _state.Rules.Values.Where(r => r.Tenant == set.Tenant.Name))
                _sharing.Tell(new SharingCommands.Configure(rule.Name, rule, set.Tenant));
            replyTo.Tell(new SharingReplies.Accepted(set.Tenant.Name));
        });
    }

    private void SetRule(DirectoryCommands.SetRule set)
    {
        var errors = _state.ValidateRule(set.Rule, _protector);
        if (errors.Count > 0)
        {
            Sender.Tell(new SharingReplies.Rejected(set.Rule.Name, errors));
            return;
        }
        var replyTo = Sender;
        Persist(new DirectoryEvents.RuleSet(set.Rule), e =>
        {
            _state = _state.Apply(e);
            _sharing.Ask<ISharingReply>(new SharingCommands.Configure(set.Rule.Name, set.Rule, _state.Tenants[set.Rule.Tenant]), AskTimeout).PipeTo(replyTo);
        });
    }
}
