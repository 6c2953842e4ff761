using LinqToDB;
using LinqToDB.Data;
using ThreatExchange.Engine.Persistence;
using ThreatExchange.Tests;

namespace ThreatExchange.Engine.Tests;

/// <summary>A fresh journal of either kind for one test: a SQLite file in the test's folder or a new PostgreSQL database.</summary>
public static class TestJournal
{
    public static Task<JournalSettings> CreateAsync(JournalKind kind, string folder) => kind == JournalKind.Sqlite
        ? Task.FromResult(JournalSettings.SqliteFile(Path.Combine(folder, "data", "threat-exchange.db")))
        : TestPostgres.CreateDatabaseAsync();

    /// <summary>Every stored event and snapshot as the database holds them: payloads and manifests, concatenated.</summary>
    public static async Task<byte[]> StoredBytesAsync(JournalSettings journal)
    {
        await using var db = new DataConnection(new DataOptions().UseConnectionString(journal.ProviderName, journal.ConnectionString));
        var snapshots = journal.Kind == JournalKind.Sqlite ? "snapshot" : "snapshot_store";
        var rows = new List<byte[]>();
        rows.AddRange(await db.QueryToListAsync<byte[]>("SELECT payload FROM event_journal"));
        rows.AddRange(await db.QueryToListAsync<byte[]>($"SELECT payload FROM {snapshots}"));
        var manifests = await db.QueryToListAsync<string>("SELECT manifest FROM event_journal");
        return [.. rows.SelectMany(r => r), .. manifests.SelectMany(System.Text.Encoding.UTF8.GetBytes)];
    }
}
