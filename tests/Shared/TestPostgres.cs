using System.Diagnostics;
using Npgsql;
using ThreatExchange.Engine.Persistence;

namespace ThreatExchange.Tests;

/// <summary>
/// The PostgreSQL server of this test run: the one <c>.ci/run</c> started (<c>TE_TEST_POSTGRES</c> holds its superuser
/// connection string), or else one started here with the same <c>.ci/postgres</c> script and stopped when the run ends.
/// A server that cannot start fails the tests that need it; they are never skipped.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "TE_TEST_POSTGRES";

    private static readonly Lazy<string> Admin = new(StartOrFind, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A new, empty database on the server, so tests running side by side never see each other's journal.</summary>
    public static async Task<JournalSettings> CreateDatabaseAsync()
    {
        var name = "te_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(Admin.Value))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return JournalSettings.PostgreSql(new NpgsqlConnectionStringBuilder(Admin.Value) { Database = name }.ConnectionString);
    }

    private static string StartOrFind()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
            return given;
        DebianPackages.Ensure();
        var script = Repository.File(".ci", "postgres");
        var folder = Directory.CreateTempSubdirectory("te-postgres-").FullName;
        var connection = Run(script, "start", folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Run(script, "stop", folder);
            Directory.Delete(folder, recursive: true);
        };
        return connection;
    }

    private static string Run(string script, string command, string folder)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script, command, folder]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"PostgreSQL could not be started for the tests ({script} {command} exited {process.ExitCode}): {error}");
        return output.Trim();
    }
}
