using Akka.Actor;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThreatExchange.Host.Service;

namespace ThreatExchange.Host.Pages;

/// <summary>Cluster: its members, the shards and sources each holds, and every source's lag, windows behind and budget left.</summary>
public sealed class ClusterModel(ActorSystem system, ConfigurationService configurations, SourceStatusReader reader) : PageModel
{
    public sealed record MemberView(string Address, string Status, bool Reachable, string Roles, bool Leader, int Shards, int Sources);

    public IReadOnlyList<MemberView> Members { get; private set; } = [];

    public IReadOnlyList<SourceView> Sources { get; private set; } = [];

    public string Self { get; private set; } = "";

    public async Task OnGetAsync()
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        Self = cluster.SelfAddress.ToString();
        var stats = await ShardingStats.PerNodeAsync(system, "source");
        var state = cluster.State;
        Members = state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).Select(m =>
        {
            IReadOnlyDictionary<string, int> held = stats.TryGetValue(m.Address, out var region) ? region.Stats : new Dictionary<string, int>();
            return new MemberView(m.Address.ToString(), m.Status.ToString(), !state.Unreachable.Contains(m), string.Join(",", m.Roles),
                state.Leader == m.Address, held.Count, held.Values.Sum());
        }).ToList();
        Sources = await reader.ReadAllAsync((await configurations.DirectoryAsync()).Sources);
    }
}
