using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace ThreatExchange.Host.Service;

/// <summary>
/// An Akka logger that keeps the last lines in memory for <c>pbm log peek</c>, beside the stdout logger.
/// One buffer per process: loggers are created by Akka from configuration, not by us.
/// </summary>
public sealed class RingBufferLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public const int Capacity = 1000;
    private static readonly ConcurrentQueue<string> Lines = new();

    public RingBufferLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            Lines.Enqueue($"[{e.LogLevel().ToString().Replace("Level", "", StringComparison.Ordinal).ToUpperInvariant()}][{e.Timestamp:u}][{e.LogSource}] {e.Message}{(e.Cause is null ? "" : " " + e.Cause.Message)}");
            while (Lines.Count > Capacity)
                Lines.TryDequeue(out _);
        });
    }

    public static IReadOnlyList<string> Last(int count) => Lines.ToArray().TakeLast(Math.Max(0, count)).ToList();
}
