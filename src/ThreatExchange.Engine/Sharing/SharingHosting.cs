using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Engine.Sharing;

/// <summary>Registry key of the <c>sharing</c> shard region.</summary>
public sealed class SharingRegion;

public static class SharingHosting
{
    /// <summary>The <c>sharing</c> shard region: one entity per rule, remembered so sharing resumes by itself after a restart.</summary>
    public static AkkaConfigurationBuilder WithSharing(this AkkaConfigurationBuilder builder, SharingSettings settings, SecretProtector protector, TimeProvider clock) =>
        builder.WithShardRegion<SharingRegion>("sharing", rule => SharingEntity.PropsFor(rule, settings, protector, clock),
            new SharingMessageExtractor(), new ShardOptions
            {
                RememberEntities = true,
                RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                StateStoreMode = StateStoreMode.DData,
            });

    private sealed class SharingMessageExtractor() : HashCodeMessageExtractor(Sources.SourceHosting.ShardCount)
    {
        public override string? EntityId(object message) => message is ISharingMessage m ? m.RuleName : null;
    }
}
