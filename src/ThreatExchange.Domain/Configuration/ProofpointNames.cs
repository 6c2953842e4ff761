namespace ThreatExchange.Domain.Configuration;

/// <summary>The event types of the TAP SIEM API, spelled as the keys of a <c>/v2/siem/all</c> response.</summary>
public static class ProofpointEventTypes
{
    public const string MessagesDelivered = "messagesDelivered";
    public const string MessagesBlocked = "messagesBlocked";
    public const string ClicksPermitted = "clicksPermitted";
    public const string ClicksBlocked = "clicksBlocked";

    public static readonly IReadOnlyList<string> All = [MessagesDelivered, MessagesBlocked, ClicksPermitted, ClicksBlocked];

    /// <summary>Position in <see cref="All"/>, or -1.</summary>
    public static int IndexOf(string eventType) => eventType switch
    {
        MessagesDelivered => 0,
        MessagesBlocked => 1,
        ClicksPermitted => 2,
        ClicksBlocked => 3,
        _ => -1,
    };

    /// <summary>The tag Cloud Exchange puts on an IoC when tagging is on.</summary>
    public static string Tag(string eventType) => eventType switch
    {
        MessagesDelivered => "Message Delivered",
        MessagesBlocked => "Message Blocked",
        ClicksPermitted => "Click Permitted",
        ClicksBlocked => "Click Blocked",
        _ => throw new ArgumentOutOfRangeException(nameof(eventType), eventType, "Not a Proofpoint event type."),
    };
}
