using System.Diagnostics;

namespace ThreatExchange.Tests;

/// <summary>Retries an assertion until it holds or the time is up, for what other processes do in their own time.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task> assertion, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (deadline.Elapsed < within)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }
}
