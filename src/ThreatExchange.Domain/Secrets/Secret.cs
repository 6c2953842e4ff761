using System.Text.Json;
using System.Text.Json.Serialization;

namespace ThreatExchange.Domain.Secrets;

/// <summary>
/// A password or token. It prints and serializes as <c>***</c> so that logging or returning a
/// configuration can never leak it; only <see cref="Reveal"/> hands out the plaintext, on purpose.
/// </summary>
[JsonConverter(typeof(SecretJsonConverter))]
public sealed class Secret : IEquatable<Secret>
{
    public const string Redacted = "***";

    private readonly string _plaintext;

    public Secret(string plaintext) => _plaintext = plaintext ?? throw new ArgumentNullException(nameof(plaintext));

    public bool IsEmpty => _plaintext.Length == 0;

    public string Reveal() => _plaintext;

    public override string ToString() => Redacted;

    public bool Equals(Secret? other) => other is not null && string.Equals(_plaintext, other._plaintext, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Secret other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_plaintext);
}

/// <summary>Accepts a plaintext on the way in (API bodies, declarative files) and writes only the redaction out.</summary>
public sealed class SecretJsonConverter : JsonConverter<Secret>
{
    public override Secret Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, Secret value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Secret.Redacted);
}
