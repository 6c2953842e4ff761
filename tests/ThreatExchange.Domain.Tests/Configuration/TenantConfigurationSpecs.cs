using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Domain.Tests.Configuration;

public sealed class TenantConfigurationSpecs
{
    private static TenantConfiguration Valid() => new()
    {
        Name = "netskope-prod",
        TenantUrl = "https://acme.goskope.com",
        V2Token = new Secret("v2"),
        V1Token = new Secret("v1"),
        UrlListName = "Proofpoint URLs",
        FileHashListName = "Proofpoint hashes",
    };

    private static ValidationError SingleError(TenantConfiguration tenant) => Assert.Single(tenant.Validate());

    [Fact]
    public void A_complete_tenant_is_valid_with_caps_at_netskopes_limits()
    {
        Assert.Empty(Valid().Validate());
        Assert.Equal(7, Valid().UrlListCapMegabytes);
        Assert.Equal(8, Valid().FileHashListCapMegabytes);
        Assert.Equal("exact", Valid().UrlListType);
    }

    [Fact]
    public void The_v1_token_and_file_hash_list_are_optional()
    {
        Assert.Empty((Valid() with { V1Token = null, FileHashListName = null }).Validate());
        Assert.False((Valid() with { V1Token = new Secret("") }).HasV1Token);
    }

    [Fact]
    public void The_name_follows_the_configuration_name_rule() =>
        Assert.Equal("Tenant Name must be 1 to 100 characters of letters, digits, spaces, '_', '-' and '.'.",
            SingleError(Valid() with { Name = "a/b" }).Message);

    [Theory]
    [InlineData("http://acme.goskope.com", "Tenant URL must use https; http is accepted only for a loopback host.")]
    [InlineData("https://acme.goskope.com/api", "Tenant URL must be a scheme and host only: its path must be empty or '/', with no query or fragment.")]
    [InlineData("", "Tenant URL is a required configuration parameter.")]
    public void The_tenant_url_is_an_https_root(string url, string message)
    {
        var error = SingleError(Valid() with { TenantUrl = url });
        Assert.Equal(("tenantUrl", message), (error.Field, error.Message));
    }

    [Fact]
    public void A_loopback_tenant_url_may_use_http_for_the_simulator() =>
        Assert.Empty((Valid() with { TenantUrl = "http://127.0.0.1:5056/" }).Validate());

    [Fact]
    public void The_v2_token_is_required() =>
        Assert.Equal(new ValidationError("v2Token", "API v2 Token is a required configuration parameter."),
            SingleError(Valid() with { V2Token = new Secret("") }));

    [Fact]
    public void The_url_list_name_is_required_and_printable()
    {
        Assert.Equal("URL List Name is a required configuration parameter.", SingleError(Valid() with { UrlListName = "" }).Message);
        Assert.Equal("URL List Name must be at most 255 characters, without control characters or surrounding spaces.",
            SingleError(Valid() with { UrlListName = "bad\nname" }).Message);
        Assert.Equal("File Hash List Name must be at most 255 characters, without control characters or surrounding spaces.",
            SingleError(Valid() with { FileHashListName = new string('h', 256) }).Message);
    }

    [Fact]
    public void The_url_list_type_is_exact_or_regex()
    {
        Assert.Empty((Valid() with { UrlListType = "regex" }).Validate());
        Assert.Equal("Invalid value provided for the configuration parameter 'URL List Type': 'wildcard'. It should be one of exact, regex.",
            SingleError(Valid() with { UrlListType = "wildcard" }).Message);
    }

    [Theory]
    [InlineData(0, 8, "URL List Cap (in MB) must be an integer in range 1 to 7.")]
    [InlineData(8, 8, "URL List Cap (in MB) must be an integer in range 1 to 7.")]
    [InlineData(7, 0, "File Hash List Cap (in MB) must be an integer in range 1 to 8.")]
    [InlineData(7, 9, "File Hash List Cap (in MB) must be an integer in range 1 to 8.")]
    public void Caps_stay_within_netskopes_limits(int urlCap, int hashCap, string message) =>
        Assert.Equal(message, SingleError(Valid() with { UrlListCapMegabytes = urlCap, FileHashListCapMegabytes = hashCap }).Message);
}
