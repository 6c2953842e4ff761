using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ThreatExchange.Host.Service;

/// <summary>
/// Listens to one <see cref="Meter"/> and renders it in the Prometheus text format: counters as running
/// totals (<c>_total</c>), observable gauges read at each scrape.
/// </summary>
public sealed class PrometheusText : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), double> _counters = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), double> _gauges = new();
    private readonly ConcurrentDictionary<string, (string Kind, string Help)> _instruments = new();
    private readonly Lock _scrape = new();

    public PrometheusText(string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name != meterName)
                return;
            var gauge = instrument.GetType().Name.StartsWith("ObservableGauge", StringComparison.Ordinal);
            _instruments[instrument.Name] = (gauge ? "gauge" : "counter", instrument.Description ?? instrument.Name);
            listener.EnableMeasurementEvents(instrument, gauge);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? isGauge)
    {
        var key = (instrument.Name, Labels(tags));
        if (isGauge is true)
            _gauges[key] = value;
        else
            _counters.AddOrUpdate(key, value, (_, total) => total + value);
    }

    public string Render()
    {
        lock (_scrape)
        {
            _gauges.Clear();
            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var (name, (kind, help)) in _instruments.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var exported = kind == "counter" ? name + "_total" : name;
                text.Append("# HELP ").Append(exported).Append(' ').AppendLine(help);
                text.Append("# TYPE ").Append(exported).Append(' ').AppendLine(kind);
                foreach (var ((_, labels), value) in (kind == "counter" ? _counters : _gauges).Where(p => p.Key.Name == name).OrderBy(p => p.Key.Labels, StringComparer.Ordinal))
                    text.Append(exported).Append(labels).Append(' ').AppendLine(value.ToString(CultureInfo.InvariantCulture));
            }
            return text.ToString();
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
            return "";
        var parts = new List<string>(tags.Length);
        foreach (var tag in tags)
            parts.Add($"{tag.Key}=\"{Convert.ToString(tag.Value, CultureInfo.InvariantCulture)?.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        parts.Sort(StringComparer.Ordinal);
        return "{" + string.Join(',', parts) + "}";
    }

    public void Dispose() => _listener.Dispose();
}
