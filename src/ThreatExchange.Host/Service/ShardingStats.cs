using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ThreatExchange.Host.Service;

/// <summary>Every member's shards and entities of one region, as the coordinator sees the cluster.</summary>
public static class ShardingStats
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task<IReadOnlyDictionary<Address, ShardRegionStats>> PerNodeAsync(ActorSystem system, string type) =>
        (await ClusterSharding.Get(system).ShardRegion(type).Ask<ClusterShardingStats>(new GetClusterShardingStats(Timeout), Timeout + Timeout)).Regions;
}
