using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.Budget;

namespace ThreatExchange.Engine.Sources;

/// <summary>Registry key of the <c>source</c> shard region.</summary>
public sealed class SourceRegion;

/// <summary>Registry key of the <c>budget</c> shard region.</summary>
public sealed class BudgetRegion;

public static class SourceHosting
{
    public const int ShardCount = 50;

    /// <summary>
    /// The <c>source</c> shard region, with remember-entities on the event-sourced store so every configured
    /// source polls again by itself after a restart or a rebalance, and the <c>budget</c> region its
    /// requests pass through.
    /// </summary>
    public static AkkaConfigurationBuilder WithSources(this AkkaConfigurationBuilder builder, SourceSettings settings, SecretProtector protector, TimeProvider clock)
    {
        var options = ShardDefaults.Remembered();
        var sourceOptions = ShardDefaults.Remembered();
        sourceOptions.HandOffStopMessage = PollProtocol.HandOff.Instance;
        return builder
            .WithShardRegion<BudgetRegion>("budget", credential => BudgetEntity.PropsFor(credential, clock),
                new BudgetMessageExtractor(), options)
            .WithShardRegion<SourceRegion>("source", (_, registry) => name =>
                    SourceEntity.PropsFor(name, settings, protector, registry.Get<BudgetRegion>(), clock),
                new SourceMessageExtractor(), sourceOptions);
    }

    private sealed class SourceMessageExtractor() : HashCodeMessageExtractor(ShardCount)
    {
        public override string? EntityId(object message) => message is ISourceMessage m ? m.SourceName : null;
    }

    private sealed class BudgetMessageExtractor() : HashCodeMessageExtractor(ShardCount)
    {
        public override string? EntityId(object message) => message is IBudgetMessage m ? m.Credential : null;
    }
}
