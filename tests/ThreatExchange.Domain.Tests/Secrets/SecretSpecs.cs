using System.Text.Json;
using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Domain.Tests.Secrets;

public sealed class SecretSpecs
{
    [Fact]
    public void A_secret_prints_redacted()
    {
        var secret = new Secret("hunter2");
        Assert.Equal("***", secret.ToString());
        Assert.Equal("***", $"{secret}");
        Assert.Equal("hunter2", secret.Reveal());
    }

    [Fact]
    public void A_configuration_serialized_or_printed_never_shows_its_secret()
    {
        var configuration = new SourceConfiguration { Name = "tap", Principal = "sp", Secret = new Secret("hunter2") };
        var json = JsonSerializer.Serialize(configuration);
        Assert.DoesNotContain("hunter2", json, StringComparison.Ordinal);
        Assert.Contains("\"Secret\":\"***\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", configuration.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_read_from_json_keeps_its_plaintext()
    {
        var secret = JsonSerializer.Deserialize<Secret>("\"from-api\"");
        Assert.Equal("from-api", secret!.Reveal());
    }

    [Fact]
    public void Secrets_compare_by_value() =>
        Assert.Equal(new Secret("a"), new Secret("a"));
}
