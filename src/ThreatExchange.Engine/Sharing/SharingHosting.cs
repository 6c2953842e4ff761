using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Engine.Sharing;

/// <summary>Registry key of the <c>sharing</c> shard region.</summary>
public sealed class SharingRegion;

/// <summary>Registry key of the <c>directory</c> shard region.</summary>
public sealed class DirectoryRegion;

public static class SharingHosting
{
    /// <summary>The <c>sharing</c> shard region: one entity per rule, remembered so sharing resumes by itself after a restart.</summary>
    /// <remarks>Also the <c>directory</c> region, whose single entity validates tenants and rules against each other.</remarks>
    public static AkkaConfigurationBuilder WithSharing(this AkkaConfigurationBuilder builder, SharingSettings settings, SecretProtector protector, TimeProvider clock)
    {
        var options = ShardDefaults.Remembered();
        return builder
            .WithShardRegion<SharingRegion>("sharing", rule => SharingEntity.PropsFor(rule, settings, protector, clock), new SharingMessageExtractor(), options)
            .WithShardRegion<DirectoryRegion>("directory", (_, registry) => _ => DirectoryEntity.PropsFor(protector, registry.Get<SharingRegion>()),
                new DirectoryMessageExtractor(), options);
    }

    private sealed class DirectoryMessageExtractor() : HashCodeMessageExtractor(1)
    {
        public override string? EntityId(object message) => message is IDirectoryMessage m ? m.DirectoryId : null;
    }

    private sealed class SharingMessageExtractor() : HashCodeMessageExtractor(Sources.SourceHosting.ShardCount)
    {
        public override string? EntityId(object message) => message is ISharingMessage m ? m.RuleName : null;
    }
}
