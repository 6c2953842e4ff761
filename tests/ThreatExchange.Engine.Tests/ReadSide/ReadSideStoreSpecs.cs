using ThreatExchange.Engine.Persistence;
using ThreatExchange.Engine.ReadSide;
using ThreatExchange.Engine.Sources;
using ThreatExchange.Proofpoint.Windows;

namespace ThreatExchange.Engine.Tests.ReadSide;

public abstract class ReadSideStoreSpecs(JournalKind kind) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("te-readside-").FullName;
    private ReadSideStore _store = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "data"));
        _store = new ReadSideStore(await TestJournal.CreateAsync(kind, _folder));
        await _store.EnsureCreatedAsync();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_ioc_seen_by_hundreds_of_sources_keeps_every_source_name_and_the_projection_goes_on()
    {
        var ioc = new StoredIoc("http://shared.bad.zz/x", "url", "active", "phish", T0, T0, 1, ["clicksPermitted"], [], null);
        var batch = new ReadSideBatch();
        var names = Enumerable.Range(1, 400).Select(i => $"proofpoint-tenant-{i:D4}-production-eu").ToList();
        foreach (var name in names)
            batch.Add("source-" + name, new SourceEvents.WindowCompleted(new PollWindow(T0.AddMinutes(-5), T0), [ioc], 1, 0, T0));

        await _store.ApplyAsync("read-side", 400, batch, TimeSpan.FromDays(30), T0);

        var row = Assert.Single((await _store.QueryCatalogAsync(new CatalogQuery())).Items);
        Assert.Equal(names.Order(StringComparer.Ordinal), row.Sources.Split(','));
        Assert.Equal(400, await _store.OffsetAsync("read-side"));
        Assert.Equal(1, (await _store.QueryCatalogAsync(new CatalogQuery(Source: names[^1]))).Total);
    }
}

public sealed class ReadSideStoreSpecsOnSqlite() : ReadSideStoreSpecs(JournalKind.Sqlite);

public sealed class ReadSideStoreSpecsOnPostgreSql() : ReadSideStoreSpecs(JournalKind.PostgreSql);
