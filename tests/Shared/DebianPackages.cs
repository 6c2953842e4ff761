using System.Diagnostics;

namespace ThreatExchange.Tests;

/// <summary>
/// Makes sure the Debian packages the tests drive (PostgreSQL, docker-compose, Chromium) are installed, with the same
/// <c>.ci/packages</c> script CI runs; once per test process. A machine that cannot install them fails the tests, naming what is missing.
/// </summary>
public static class DebianPackages
{
    private static readonly Lazy<bool> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void Ensure() => _ = Installed.Value;

    private static bool Install()
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [Repository.File(".ci", "packages")]) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($".ci/packages exited {process.ExitCode}: {error}");
        return true;
    }
}
