using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using ThreatExchange.Engine.Persistence;

namespace ThreatExchange.Engine.ReadSide;

public sealed record CatalogQuery(
    string? Type = null, string? Status = null, string? Source = null, string? Text = null, DateTimeOffset? Since = null, int Offset = 0, int Limit = 50);

public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

public sealed record AuditQuery(string? Configuration = null, string? Level = null, DateTimeOffset? Since = null, int Limit = 100);

/// <summary>The read side's tables in the journal's own database, created on first use, and the queries over them.</summary>
public sealed class ReadSideStore(JournalSettings settings)
{
    private const long SchemaLock = 7321;

    private static readonly BulkCopyOptions Bulk = new() { BulkCopyType = BulkCopyType.MultipleRows, MaxBatchSize = 500 };

    private readonly Lock _creating = new();
    private Task? _created;

    private DataConnection Open() => new(new DataOptions().UseConnectionString(settings.ProviderName, settings.ConnectionString));

    /// <summary>Creates the tables once per store, so a query before the projection's first batch finds them empty, not missing.</summary>
    /// <remarks>A failed attempt (the database was down) is tried again by the next caller rather than remembered.</remarks>
    public Task EnsureCreatedAsync()
    {
        lock (_creating)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
                _created = EnsureTablesAsync(settings);
            return _created;
        }
    }

    private static async Task EnsureTablesAsync(JournalSettings settings)
    {
        await using var db = new DataConnection(new DataOptions().UseConnectionString(settings.ProviderName, settings.ConnectionString));
        await using var transaction = await db.BeginTransactionAsync();
        // Nodes starting together would race on PostgreSQL's catalog ("CREATE TABLE IF NOT EXISTS" is not atomic there);
        // the lock is released with the transaction.
        if (settings.Kind == JournalKind.PostgreSql)
            await db.ExecuteAsync($"SELECT pg_advisory_xact_lock({SchemaLock})");
        await db.CreateTableAsync<CatalogRow>(tableOptions: TableOptions.CheckExistence);
        await db.CreateTableAsync<AuditRow>(tableOptions: TableOptions.CheckExistence);
        await db.CreateTableAsync<ProjectionOffsetRow>(tableOptions: TableOptions.CheckExistence);
        // Retention deletes by time on every batch, and the Logging page reads by configuration, newest first.
        await db.ExecuteAsync("CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at)");
        await db.ExecuteAsync("CREATE INDEX IF NOT EXISTS audit_log_configuration ON audit_log (configuration, id)");
        await transaction.CommitAsync();
    }

    public async Task<long> OffsetAsync(string projection, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.GetTable<ProjectionOffsetRow>().Where(r => r.Name == projection).Select(r => (long?)r.Offset).FirstOrDefaultAsync(cancellationToken) ?? 0;
    }

    /// <summary>Applies one batch of projected changes and the new offset in one transaction: a restart neither loses nor repeats them.</summary>
    public async Task ApplyAsync(string projection, long offset, ReadSideBatch batch, TimeSpan auditRetention, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        var values = batch.CatalogValues.ToList();
        var existing = values.Count == 0
            ? new Dictionary<string, CatalogRow>()
            : await db.GetTable<CatalogRow>().Where(r => values.Contains(r.Value)).ToDictionaryAsync(r => r.Value, cancellationToken);
        // Whole batches in a few statements, not one per row: the projection serves every source in the cluster.
        var merged = batch.Merge(existing).ToList();
        if (merged.Count > 0)
        {
            var changed = merged.Select(r => r.Value).ToList();
            await db.GetTable<CatalogRow>().Where(r => changed.Contains(r.Value)).DeleteAsync(cancellationToken);
            await db.BulkCopyAsync(Bulk, merged, cancellationToken);
        }
        if (batch.Audit.Count > 0)
            await db.BulkCopyAsync(Bulk, batch.Audit, cancellationToken);
        var expired = now - auditRetention;
        await db.GetTable<AuditRow>().Where(r => r.At < expired).DeleteAsync(cancellationToken);
        await db.InsertOrReplaceAsync(new ProjectionOffsetRow { Name = projection, Offset = offset }, token: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<Page<CatalogRow>> QueryCatalogAsync(CatalogQuery query, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync();
        await using var db = Open();
        var rows = db.GetTable<CatalogRow>().AsQueryable();
        if (query.Type is { } type)
            rows = rows.Where(r => r.Type == type);
        if (query.Status is { } status)
            rows = rows.Where(r => r.Status == status);
        if (query.Source is { } source)
            rows = rows.Where(r => ("," + r.Sources + ",").Contains("," + source + ","));
        if (query.Text is { } text)
            rows = rows.Where(r => r.Value.Contains(text));
        if (query.Since is { } since)
            rows = rows.Where(r => r.LastSeen >= since);
        var total = await rows.CountAsync(cancellationToken);
        var page = await rows.OrderByDescending(r => r.LastSeen).ThenBy(r => r.Value)
            .Skip(Math.Max(0, query.Offset)).Take(Math.Clamp(query.Limit, 1, 1000)).ToListAsync(cancellationToken);
        return new Page<CatalogRow>(page, total);
    }

    /// <returns>The catalog's record of one value, or null.</returns>
    public async Task<CatalogRow?> FindAsync(string value, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync();
        await using var db = Open();
        return await db.GetTable<CatalogRow>().Where(r => r.Value == value).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>IoCs first seen in each hour since <paramref name="since"/>, by type; hours with none are left out.</summary>
    public async Task<IReadOnlyList<(DateTimeOffset Hour, string Type, int Count)>> FirstSeenPerHourAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync();
        await using var db = Open();
        // Bucketed here rather than in SQL: hour truncation differs between SQLite and PostgreSQL, and a day's IoCs are few.
        var rows = await db.GetTable<CatalogRow>().Where(r => r.FirstSeen >= since).Select(r => new { r.FirstSeen, r.Type }).ToListAsync(cancellationToken);
        return rows.GroupBy(r => (Hour: new DateTimeOffset(r.FirstSeen.UtcTicks - r.FirstSeen.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero), r.Type))
            .Select(g => (g.Key.Hour, g.Key.Type, g.Count())).OrderBy(g => g.Hour).ThenBy(g => g.Type, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<AuditRow>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync();
        await using var db = Open();
        var rows = db.GetTable<AuditRow>().AsQueryable();
        if (query.Configuration is { } configuration)
            rows = rows.Where(r => r.Configuration == configuration);
        if (query.Level is { } level)
            rows = rows.Where(r => r.Level == level);
        if (query.Since is { } since)
            rows = rows.Where(r => r.At >= since);
        return await rows.OrderByDescending(r => r.Id).Take(Math.Clamp(query.Limit, 1, 1000)).ToListAsync(cancellationToken);
    }
}
