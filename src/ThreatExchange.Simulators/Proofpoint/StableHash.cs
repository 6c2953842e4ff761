namespace ThreatExchange.Simulators.Proofpoint;

/// <summary>
/// SplitMix64 mixing: the same inputs give the same number in every process, unlike <see cref="HashCode"/>,
/// which is randomized per process and would make a seed mean nothing.
/// </summary>
public static class StableHash
{
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Of(long a, long b) => Mix(Mix((ulong)a) ^ (ulong)b);

    public static ulong Of(long a, long b, long c) => Mix(Of(a, b) ^ (ulong)c);

    public static int Seed(long a, long b) => (int)(Of(a, b) & 0x7FFF_FFFF);
}
