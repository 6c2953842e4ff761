using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace ThreatExchange.Host.WebConsole;

/// <summary>The console's small charts as inline SVG: nothing to fetch, nothing to run in the browser.</summary>
public static class Charts
{
    private static readonly string[] Palette = ["#0b63b6", "#e8710a", "#137333", "#a142f4", "#d93025", "#12a4af", "#9aa0a6", "#f9ab00"];

    /// <summary>IoCs first seen per hour over the last 24 hours, stacked by type.</summary>
    public static IHtmlContent IocsPerHour(IReadOnlyList<(DateTimeOffset Hour, string Type, int Count)> counts, DateTimeOffset now)
    {
        const int width = 720, height = 200, left = 40, bottom = 24, top = 10;
        var firstHour = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero).AddHours(-23);
        var hours = Enumerable.Range(0, 24).Select(h => firstHour.AddHours(h)).ToList();
        var types = counts.Select(c => c.Type).Distinct().Order(StringComparer.Ordinal).ToList();
        var perHour = hours.Select(h => counts.Where(c => c.Hour == h).Sum(c => c.Count)).ToList();
        var max = Math.Max(1, perHour.Max());
        var barWidth = (width - left - 10) / 24.0;
        var plot = height - bottom - top;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" id=\"chart-iocs-per-hour\" role=\"img\" aria-label=\"IoCs first seen per hour by type, last 24 hours\" width=\"{width}\" height=\"{height + 20}\" viewBox=\"0 0 {width} {height + 20}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{top + 8}\" text-anchor=\"end\">{max}</text><text x=\"{left - 6}\" y=\"{height - bottom}\" text-anchor=\"end\">0</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - 10}\" y2=\"{height - bottom}\" stroke=\"#b8c2cc\"/>");
        for (var i = 0; i < hours.Count; i++)
        {
            var x = left + i * barWidth + 1;
            var y = (double)(height - bottom);
            foreach (var type in types)
            {
                var count = counts.Where(c => c.Hour == hours[i] && c.Type == type).Sum(c => c.Count);
                if (count == 0)
                    continue;
                var h = plot * count / (double)max;
                y -= h;
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:F1}\" y=\"{y:F1}\" width=\"{barWidth - 2:F1}\" height=\"{h:F1}\" fill=\"{Color(types, type)}\"><title>{hours[i]:HH}:00 UTC: {count} {Encode(type)}</title></rect>");
            }
            if (i % 3 == 0)
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + barWidth / 2:F1}\" y=\"{height - bottom + 14}\" text-anchor=\"middle\">{hours[i]:HH}:00</text>");
        }
        var legendX = (double)left;
        foreach (var type in types)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{legendX:F0}\" y=\"{height + 6}\" width=\"10\" height=\"10\" fill=\"{Color(types, type)}\"/><text x=\"{legendX + 14:F0}\" y=\"{height + 15}\">{Encode(type)}</text>");
            legendX += 24 + type.Length * 7;
        }
        if (types.Count == 0)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"{height / 2}\" text-anchor=\"middle\">No IoCs in the last 24 hours</text>");
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>Each polling source's lag (now minus checkpoint) as a horizontal bar.</summary>
    public static IHtmlContent LagPerSource(IReadOnlyList<(string Source, TimeSpan Lag)> lags)
    {
        const int width = 720, row = 22, left = 160;
        var height = Math.Max(1, lags.Count) * row + 24;
        var max = Math.Max(60, lags.Select(l => l.Lag.TotalSeconds).DefaultIfEmpty(0).Max());
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" id=\"chart-lag\" role=\"img\" aria-label=\"Lag per source\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
        for (var i = 0; i < lags.Count; i++)
        {
            var (source, lag) = lags[i];
            var barWidth = (width - left - 90) * lag.TotalSeconds / max;
            var y = i * row + 4;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 8}\" y=\"{y + 13}\" text-anchor=\"end\">{Encode(source)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{y}\" width=\"{Math.Max(1, barWidth):F1}\" height=\"{row - 8}\" fill=\"{(lag > TimeSpan.FromMinutes(15) ? "#d93025" : "#0b63b6")}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + barWidth + 6:F1}\" y=\"{y + 13}\">{Format(lag)}</text>");
        }
        if (lags.Count == 0)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"16\" text-anchor=\"middle\">No source is polling</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height - 4}\">lag = now - checkpoint; 0 to {Format(TimeSpan.FromSeconds(max))}</text>");
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>The catalog's "rule@time" entries as "rule (time)", one per rule that holds the IoC.</summary>
    public static IReadOnlyList<string> SharedWith(string sharedWith) => sharedWith.Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(entry => entry.Split('@', 2) is [var rule, var at] && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
            ? $"{rule} ({when.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z)"
            : entry)
        .ToList();

    public static string Format(TimeSpan span) => span.TotalHours >= 1
        ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min {span.Seconds} s" : $"{(int)span.TotalSeconds} s";

    private static string Color(List<string> types, string type) => Palette[types.IndexOf(type) % Palette.Length];

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
