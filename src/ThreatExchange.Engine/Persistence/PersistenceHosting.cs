using Akka.Configuration;
using Akka.Hosting;
using Akka.Persistence.Sql;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace ThreatExchange.Engine.Persistence;

public enum JournalKind { Sqlite, PostgreSql }

/// <summary>Where events live: an embedded SQLite file by default, PostgreSQL for a cluster.</summary>
public sealed record JournalSettings(JournalKind Kind, string ConnectionString)
{
    public static JournalSettings SqliteFile(string path) => new(JournalKind.Sqlite, $"Data Source={Path.GetFullPath(path)}");

    public static JournalSettings PostgreSql(string connectionString) => new(JournalKind.PostgreSql, connectionString);

    public string ProviderName => Kind == JournalKind.Sqlite ? LinqToDB.ProviderName.SQLiteMS : LinqToDB.ProviderName.PostgreSQL15;

    public const string Section = "threat-exchange.journal";

    /// <summary>
    /// The journal a configuration selects under <c>threat-exchange.journal</c>: <c>provider = sqlite</c> (a file in the
    /// data folder unless <c>sqlite-file</c> names one) or <c>provider = postgresql</c> with its <c>connection-string</c>,
    /// or with <c>connection-string-variable</c> naming the environment variable that holds it, so no password sits in a file.
    /// </summary>
    /// <exception cref="ConfigurationException">The provider is unknown or PostgreSQL has no connection string; the message names the setting.</exception>
    public static JournalSettings FromConfig(Config config, string dataFolder)
    {
        var provider = config.GetString($"{Section}.provider", "sqlite");
        switch (provider)
        {
            case "sqlite":
                var file = config.GetString($"{Section}.sqlite-file", null);
                return SqliteFile(string.IsNullOrWhiteSpace(file) ? Path.Combine(dataFolder, "threat-exchange.db") : file);
            case "postgresql":
                var connection = config.GetString($"{Section}.connection-string", null);
                if (!string.IsNullOrWhiteSpace(connection))
                    return PostgreSql(connection);
                var variable = config.GetString($"{Section}.connection-string-variable", null);
                if (string.IsNullOrWhiteSpace(variable))
                    throw new ConfigurationException($"{Section}.connection-string: required when the provider is postgresql, or connection-string-variable naming the environment variable that holds it.");
                connection = Environment.GetEnvironmentVariable(variable);
                if (string.IsNullOrWhiteSpace(connection))
                    throw new ConfigurationException($"{Section}.connection-string-variable: the environment variable {variable} is not set; it must hold the PostgreSQL connection string.");
                return PostgreSql(connection);
            default:
                throw new ConfigurationException($"{Section}.provider: '{provider}' is not a journal provider; use sqlite or postgresql.");
        }
    }
}

public static class PersistenceHosting
{
    /// <summary>
    /// Journal, snapshot store and query journal on one database. A SQLite file is switched to WAL first,
    /// which doubles persist throughput and lets readers run beside the single writer.
    /// </summary>
    public static AkkaConfigurationBuilder WithThreatExchangePersistence(this AkkaConfigurationBuilder builder, JournalSettings settings)
    {
        if (settings.Kind == JournalKind.Sqlite)
            PrepareSqlite(settings.ConnectionString);
        var connection = settings.ConnectionString.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        var mapping = settings.Kind == JournalKind.Sqlite ? "sqlite" : "postgresql";
        var hocon = $$"""
            akka.persistence.journal.sql { connection-string = "{{connection}}", provider-name = "{{settings.ProviderName}}", table-mapping = {{mapping}} }
            akka.persistence.snapshot-store.sql { connection-string = "{{connection}}", provider-name = "{{settings.ProviderName}}", table-mapping = {{mapping}} }
            akka.persistence.query.journal.sql { connection-string = "{{connection}}", provider-name = "{{settings.ProviderName}}", table-mapping = {{mapping}} }
            """;
        // The plugin's own defaults (class names, table layout) sit under everything else.
        return builder
            .AddHocon(hocon, HoconAddMode.Prepend)
            .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append);
    }

    private static void PrepareSqlite(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (folder is not null)
            Directory.CreateDirectory(folder);
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}
