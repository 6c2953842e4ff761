using System.Globalization;

namespace ThreatExchange.Proofpoint.Windows;

public enum WindowKind
{
    /// <summary>First read of a range, moving the checkpoint forward.</summary>
    Primary,
    /// <summary>Second read of a completed hour, for events Proofpoint indexed late.</summary>
    Resweep,
}

/// <summary>One TAP request's range: start inclusive, end exclusive, whole seconds, UTC.</summary>
public sealed record PollWindow(DateTimeOffset Start, DateTimeOffset End, WindowKind Kind = WindowKind.Primary)
{
    public static readonly TimeSpan MinimumLength = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaximumLength = TimeSpan.FromHours(1);

    public TimeSpan Length => End - Start;

    /// <summary>The <c>interval</c> query value; never <c>sinceSeconds</c>, which Proofpoint anchors to its own clock.</summary>
    public string ToInterval() => $"{Format(Start)}/{Format(End)}";

    public override string ToString() => $"{ToInterval()} ({Kind})";

    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>A range that can no longer be fetched because it lies beyond the look-back limit.</summary>
public sealed record PollGap(DateTimeOffset Start, DateTimeOffset End)
{
    public override string ToString() => $"{PollWindow.Format(Start)}/{PollWindow.Format(End)}";
}
