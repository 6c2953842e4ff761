using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;

namespace ThreatExchange.Engine;

public static class ClusterHosting
{
    public const string AkkaHoconFile = "akka.hocon";

    /// <summary>
    /// The repository's <c>akka.hocon</c> as the base of every other setting. It ships beside the binaries;
    /// a missing file is an error, not a silent fallback to Akka's defaults.
    /// </summary>
    public static AkkaConfigurationBuilder WithAkkaHocon(this AkkaConfigurationBuilder builder, string? path = null)
    {
        path ??= Path.Combine(AppContext.BaseDirectory, AkkaHoconFile);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The Akka settings file {path} is missing.", path);
        return builder.AddHocon(ConfigurationFactory.ParseString(File.ReadAllText(path)), HoconAddMode.Append);
    }

    /// <summary>
    /// Joins the configured <c>akka.cluster.seed-nodes</c>, which Akka does by itself, or with none forms a one-node
    /// cluster by joining itself.
    /// </summary>
    public static AkkaConfigurationBuilder WithThreatExchangeCluster(this AkkaConfigurationBuilder builder) =>
        builder.AddStartup((system, _) =>
        {
            var cluster = Cluster.Get(system);
            if (system.Settings.Config.GetStringList("akka.cluster.seed-nodes").Count == 0)
                cluster.Join(cluster.SelfAddress);
        });
}
