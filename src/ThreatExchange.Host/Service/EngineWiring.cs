using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine;
using ThreatExchange.Engine.Persistence;
using ThreatExchange.Engine.ReadSide;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Engine.Sources;

namespace ThreatExchange.Host.Service;

/// <summary>Every engine feature on one actor system, as both the service and the demo run it.</summary>
public static class EngineWiring
{
    public static IServiceCollection AddThreatExchangeEngine(this IServiceCollection services, JournalSettings journal, SecretProtector protector,
        TimeProvider clock, SharingSettings? sharing = null, string? akkaOverlay = null)
    {
        services.AddSingleton(protector);
        services.AddSingleton(clock);
        services.AddSingleton(new ReadSideStore(journal));
        return services.AddAkka("threat-exchange", builder =>
        {
            builder.WithAkkaHocon();
            if (akkaOverlay is not null)
                builder.AddHocon(akkaOverlay, HoconAddMode.Prepend);
            builder
                .WithThreatExchangePersistence(journal)
                .WithThreatExchangeCluster()
                .WithSources(new SourceSettings(), protector, clock)
                .WithSharing(sharing ?? new SharingSettings(), protector, clock)
                .WithReadSide(journal, new ReadSideSettings(), clock);
        });
    }
}
