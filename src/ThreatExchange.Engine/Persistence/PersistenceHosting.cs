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

    public string ProviderName => Kind == JournalKind.Sqlite ? LinqToDB.ProviderName.SQLiteMS : LinqToDB.ProviderName.PostgreSQL15;
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
