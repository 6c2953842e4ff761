using System.Security.Cryptography;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Time.Testing;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.Budget;
using ThreatExchange.Engine.Persistence;
using ThreatExchange.Engine.Tests.Sources;

namespace ThreatExchange.Engine.Tests.Budget;

public abstract class BudgetEntitySpecs(JournalKind kind) : IAsyncLifetime
{
    private const string Credential = "sp@https://tap";
    private readonly string _folder = Directory.CreateTempSubdirectory("te-budget-").FullName;
    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    private JournalSettings _journal = null!;

    public async Task InitializeAsync() => _journal = await TestJournal.CreateAsync(kind, _folder);

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_restart_recovers_the_spent_allowance_from_a_snapshot_and_the_journal_keeps_only_what_follows_it()
    {
        await using (var host = await EngineHost.StartAsync(_journal, _protector, _clock))
        {
            for (var i = 0; i < 150; i++)
                Assert.IsType<BudgetReplies.Granted>(await host.Budgets.Ask<IBudgetMessage>(new BudgetCommands.Acquire(Credential, 200), TimeSpan.FromSeconds(10)));
            var kit = new TestKit(host.System);
            // The snapshot at the 100th request lets the 100 events before it go.
            await kit.AwaitAssertAsync(async () => Assert.Equal(50, (await host.PersistedEventsAsync("budget-" + Credential)).Count), TimeSpan.FromSeconds(30));
        }

        await using var again = await EngineHost.StartAsync(_journal, _protector, _clock);
        var remaining = await again.Budgets.Ask<BudgetReplies.Remaining>(new BudgetCommands.GetRemaining(Credential), TimeSpan.FromSeconds(10));
        Assert.Equal(50, remaining.Count);
    }
}

public sealed class BudgetEntitySpecsOnSqlite() : BudgetEntitySpecs(JournalKind.Sqlite);

public sealed class BudgetEntitySpecsOnPostgreSql() : BudgetEntitySpecs(JournalKind.PostgreSql);
