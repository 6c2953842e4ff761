using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;

namespace ThreatExchange.Engine;

internal static class ShardDefaults
{
    /// <summary>
    /// Remembered entities on the event-sourced store with the ddata coordinator state, for every region:
    /// switching a journal from the persistent coordinator store later fails on start.
    /// </summary>
    public static ShardOptions Remembered() => new()
    {
        RememberEntities = true,
        RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
        StateStoreMode = StateStoreMode.DData,
    };
}
