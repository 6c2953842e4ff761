using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ThreatExchange.Engine;

/// <summary>
/// The engine's instruments, on <see cref="System.Diagnostics.Metrics"/> so any exporter (the host serves
/// Prometheus text) can read them. Gauges read the last value each entity reported.
/// </summary>
public static class EngineMetrics
{
    public const string MeterName = "ThreatExchange.Engine";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<string, double> LagSeconds = new();
    private static readonly ConcurrentDictionary<string, int> BudgetLeft = new();

    public static readonly Counter<long> Polls = Meter.CreateCounter<long>("te_polls", description: "TAP windows fetched, by source and outcome.");
    public static readonly Counter<long> Windows = Meter.CreateCounter<long>("te_windows_completed", description: "Windows persisted, by source and kind.");
    public static readonly Counter<long> Iocs = Meter.CreateCounter<long>("te_iocs_new_or_changed", description: "New or changed IoCs persisted, by source and type.");
    public static readonly Counter<long> Failures = Meter.CreateCounter<long>("te_poll_failures", description: "Failed windows, by source and error kind.");
    public static readonly Counter<long> Pushes = Meter.CreateCounter<long>("te_pushes", description: "Netskope pushes, by rule and outcome.");

    static EngineMetrics()
    {
        Meter.CreateObservableGauge("te_source_lag_seconds",
            () => LagSeconds.Select(p => new Measurement<double>(p.Value, new KeyValuePair<string, object?>("source", p.Key))),
            description: "Seconds between now and the source's checkpoint.");
        Meter.CreateObservableGauge("te_budget_left",
            () => BudgetLeft.Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>("credential", p.Key))),
            description: "Requests left in the credential's rolling 24-hour allowance.");
        Meter.CreateObservableGauge("te_source_entities", () => Interlocked.Read(ref _sourceEntities),
            description: "Source entities running on this node.");
        Meter.CreateObservableGauge("te_gc_heap_bytes", () => GC.GetGCMemoryInfo().HeapSizeBytes,
            description: "Managed heap of this node after its last garbage collection.");
    }

    private static long _sourceEntities;

    public static void SourceEntityStarted() => Interlocked.Increment(ref _sourceEntities);

    public static void SourceEntityStopped() => Interlocked.Decrement(ref _sourceEntities);

    public static void ReportLag(string source, TimeSpan lag) => LagSeconds[source] = lag.TotalSeconds;

    public static void ForgetSource(string source) => LagSeconds.TryRemove(source, out _);

    public static void ReportBudgetLeft(string credential, int left) => BudgetLeft[credential] = left;
}
