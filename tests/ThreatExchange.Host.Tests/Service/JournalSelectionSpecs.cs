using ThreatExchange.Tests;
using Akka.Configuration;
using ThreatExchange.Engine.Persistence;

namespace ThreatExchange.Host.Tests.Service;

public sealed class JournalSelectionSpecs
{
    private static Config ClusterOverlay() => ConfigurationFactory.ParseString(File.ReadAllText(Repository.File("config", "cluster.hocon")))
        .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Repository.File("akka.hocon"))));

    [Fact]
    public void Without_an_overlay_the_journal_is_a_sqlite_file_in_the_data_folder()
    {
        var journal = JournalSettings.FromConfig(ConfigurationFactory.ParseString(File.ReadAllText(Repository.File("akka.hocon"))), "/var/lib/te");
        Assert.Equal(JournalKind.Sqlite, journal.Kind);
        Assert.Equal("Data Source=/var/lib/te/threat-exchange.db", journal.ConnectionString);
    }

    [Fact]
    public void The_cluster_overlay_selects_postgresql_with_the_connection_string_from_the_environment()
    {
        const string connection = "Host=db;Port=5432;Username=te;Password=p;Database=te";
        Environment.SetEnvironmentVariable("TE_POSTGRES_CONNECTION", connection);
        try
        {
            var journal = JournalSettings.FromConfig(ClusterOverlay(), "data");
            Assert.Equal(JournalKind.PostgreSql, journal.Kind);
            Assert.Equal(connection, journal.ConnectionString);
            Assert.Equal(LinqToDB.ProviderName.PostgreSQL15, journal.ProviderName);
        }
        finally
        {
            Environment.SetEnvironmentVariable("TE_POSTGRES_CONNECTION", null);
        }
    }

    [Fact]
    public void Postgresql_without_a_connection_string_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            JournalSettings.FromConfig(ConfigurationFactory.ParseString("threat-exchange.journal.provider = postgresql"), "data"));
        Assert.StartsWith("threat-exchange.journal.connection-string: required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cluster_overlay_with_its_variable_unset_is_refused_naming_the_variable()
    {
        var error = Assert.Throws<ConfigurationException>(() => JournalSettings.FromConfig(ConfigurationFactory.ParseString("""
            threat-exchange.journal { provider = postgresql, connection-string-variable = TE_TEST_UNSET_CONNECTION }
            """), "data"));
        Assert.Equal("threat-exchange.journal.connection-string-variable: the environment variable TE_TEST_UNSET_CONNECTION is not set; it must hold the PostgreSQL connection string.", error.Message);
    }

    [Fact]
    public void An_unknown_provider_is_refused_naming_the_setting_and_the_choices()
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            JournalSettings.FromConfig(ConfigurationFactory.ParseString("threat-exchange.journal.provider = oracle"), "data"));
        Assert.Equal("threat-exchange.journal.provider: 'oracle' is not a journal provider; use sqlite or postgresql.", error.Message);
    }
}
