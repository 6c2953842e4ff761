using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using ThreatExchange.Domain;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;
using ThreatExchange.Engine.Budget;
using ThreatExchange.Engine.Serialization;
using ThreatExchange.Engine.Sources;
using ThreatExchange.Proofpoint.Windows;

namespace ThreatExchange.Engine.Tests.Serialization;

public sealed class EngineSerializerSpecs : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    // The bindings under test come from akka.hocon; a local provider is enough to exercise them.
    private readonly ActorSystem _system = ActorSystem.Create("serializer-specs", ConfigurationFactory.ParseString("akka.actor.provider = local")
        .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon")))));

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private static readonly StoredSource Source = StoredSource.Protect(
        new SourceConfiguration { Name = "tap", Principal = "sp", Secret = new Secret("hunter2") }, new SecretProtector(RandomNumberGenerator.GetBytes(32)));

    public static TheoryData<object> Messages() =>
    [
        new SourceCommands.Configure("tap", Source),
        new SourceCommands.PollNow("tap"),
        new SourceReplies.Rejected("tap", [new ValidationError("name", "bad")]),
        new SourceEvents.ConfigurationSet(Source, T0),
        new SourceEvents.WindowCompleted(new PollWindow(T0, T0.AddHours(1), WindowKind.Resweep),
            [new StoredIoc("http://a.zz/", "url", "active", "phish", T0, T0, 2, ["clicksBlocked"], [], "https://x.zz/t")], 10, 1, T0),
        new SourceEvents.GapRecorded(new PollGap(T0, T0.AddHours(1)), "too old", T0),
        new SourceEvents.PollFailed(new PollWindow(T0, T0.AddHours(1)), "ServerError", "boom", T0.AddMinutes(5), T0),
        new SourceEvents.Deleted(T0),
        new BudgetCommands.Acquire("sp@https://tap", 1800),
        new BudgetReplies.Denied("sp@https://tap", T0, "spent"),
        new BudgetEvents.Throttled("sp@https://tap", TimeSpan.FromMinutes(1), T0),
        new BudgetSnapshot("sp@https://tap", 1800, [T0, T0.AddMinutes(1)], T0.AddHours(1), 2),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_message_round_trips_through_the_bound_serializer(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<EngineSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var bytes = serializer.ToBinary(message);
        var back = _system.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(serializer.ToBinary(back)));
        Assert.Equal(message.GetType(), back.GetType());
    }

    [Fact]
    public void Payloads_carry_no_type_names_and_no_plaintext_secret()
    {
        var message = new SourceEvents.ConfigurationSet(Source, T0);
        var text = Encoding.UTF8.GetString(_system.Serialization.FindSerializerFor(message).ToBinary(message));
        Assert.DoesNotContain("$type", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ThreatExchange", text, StringComparison.Ordinal);
        Assert.Equal("source.configuration-set.v1", ((SerializerWithStringManifest)_system.Serialization.FindSerializerFor(message)).Manifest(message));
    }

    [Fact]
    public void An_unknown_manifest_is_a_clear_error()
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(new SourceCommands.PollNow("x"));
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "source.from-the-future.v9"));
        Assert.Contains("Unknown manifest", error.Message, StringComparison.Ordinal);
    }
}
