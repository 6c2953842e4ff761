using ThreatExchange.Domain.Iocs;

namespace ThreatExchange.Domain.Tests.Iocs;

public sealed class IocClassifierSpecs
{
    public static TheoryData<string, IocType, string> ValidValues => new()
    {
        // The examples the issue requires to hold.
        { "http://BadGuy.zz:80/x#f", IocType.Url, "http://badguy.zz/x" },
        { "badsite.zz/login", IocType.Url, "badsite.zz/login" },
        { "www.badsite.zz", IocType.Fqdn, "www.badsite.zz" },
        { "badsite.zz", IocType.Domain, "badsite.zz" },
        { "1.2.3.4", IocType.Ipv4, "1.2.3.4" },
        { "xn--bcher-kva.zz", IocType.Domain, "xn--bcher-kva.zz" },
        // Hashes.
        { "d41d8cd98f00b204e9800998ecf8427e", IocType.Md5, "d41d8cd98f00b204e9800998ecf8427e" },
        { "D41D8CD98F00B204E9800998ECF8427E", IocType.Md5, "d41d8cd98f00b204e9800998ecf8427e" },
        { "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", IocType.Sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", IocType.Sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        // URLs with a scheme.
        { "HTTPS://Example.ZZ:443/Path?Q=A#frag", IocType.Url, "https://example.zz/Path?Q=A" },
        { "https://example.zz:8443/a", IocType.Url, "https://example.zz:8443/a" },
        { "http://example.zz:443/a", IocType.Url, "http://example.zz:443/a" },
        { "https://example.zz:80/a", IocType.Url, "https://example.zz:80/a" },
        { "http://example.zz", IocType.Url, "http://example.zz" },
        { "hxxp://example.zz/a", IocType.Url, "hxxp://example.zz/a" },
        { "ftp://files.example.zz/pub/x.exe", IocType.Url, "ftp://files.example.zz/pub/x.exe" },
        { "svn+ssh://repo.example.zz/x", IocType.Url, "svn+ssh://repo.example.zz/x" },
        { "http://user:Pass@Example.zz/x", IocType.Url, "http://user:Pass@example.zz/x" },
        { "http://1.2.3.4/x", IocType.Url, "http://1.2.3.4/x" },
        { "http://[2001:DB8::1]:80/x", IocType.Url, "http://[2001:db8::1]/x" },
        { "http://intranet/x", IocType.Url, "http://intranet/x" },
        { "http://Example.zz./x", IocType.Url, "http://example.zz/x" },
        { "https://example.zz/A%20B?x=%2F&y=Z", IocType.Url, "https://example.zz/A%20B?x=%2F&y=Z" },
        { "https://example.zz?q=1", IocType.Url, "https://example.zz?q=1" },
        { "https://example.zz/#top", IocType.Url, "https://example.zz/" },
        // Bare values that are URLs because of '/', '?' or '#'.
        { "BadSite.zz/Login", IocType.Url, "badsite.zz/Login" },
        { "badsite.zz?id=1", IocType.Url, "badsite.zz?id=1" },
        { "badsite.zz#x", IocType.Url, "badsite.zz/" },
        { "badsite.zz:8080/x", IocType.Url, "badsite.zz:8080/x" },
        { "1.2.3.4/payload.bin", IocType.Url, "1.2.3.4/payload.bin" },
        // Hosts.
        { "WWW.BadSite.ZZ", IocType.Fqdn, "www.badsite.zz" },
        { "badsite.zz.", IocType.Domain, "badsite.zz" },
        { "a.b.c.d.e.zz", IocType.Fqdn, "a.b.c.d.e.zz" },
        { "my-host.bad-site.zz", IocType.Fqdn, "my-host.bad-site.zz" },
        { "3com.zz", IocType.Domain, "3com.zz" },
        { "0.0.0.0", IocType.Ipv4, "0.0.0.0" },
        { "255.255.255.255", IocType.Ipv4, "255.255.255.255" },
        { "2001:DB8::1", IocType.Ipv6, "2001:db8::1" },
        { "2001:0db8:0000:0000:0000:0000:0000:0001", IocType.Ipv6, "2001:db8::1" },
        { "::1", IocType.Ipv6, "::1" },
        { "::ffff:1.2.3.4", IocType.Ipv6, "::ffff:1.2.3.4" },
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void Valid_values_get_their_type_and_canonical_form(string raw, IocType expectedType, string expectedValue)
    {
        Assert.True(IocClassifier.TryClassify(raw, out var result, out var reason), reason);
        Assert.Equal(new ClassifiedValue(expectedType, expectedValue), result);
    }

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void Canonical_forms_classify_to_themselves(string raw, IocType expectedType, string expectedValue)
    {
        _ = raw;
        Assert.Equal(new ClassifiedValue(expectedType, expectedValue), IocClassifier.Classify(expectedValue));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("localhost", "single label")]
    [InlineData("badsite", "single label")]
    [InlineData("bad site.zz", "white space")]
    [InlineData(" badsite.zz", "white space")]
    [InlineData("badsite.zz\t", "white space")]
    [InlineData("bad_site.zz", "letters, digits and inner hyphens")]
    [InlineData("-bad.zz", "inner hyphens")]
    [InlineData("bad-.zz", "inner hyphens")]
    [InlineData("bad..zz", "1 to 63 characters")]
    [InlineData(".zz", "1 to 63 characters")]
    [InlineData("bücher.zz", "letters, digits and inner hyphens")]
    [InlineData("1.2.3.256", "numeric label")]
    [InlineData("1.2.3", "numeric label")]
    [InlineData("01.2.3.4", "numeric label")]
    [InlineData("2001:db8::zz", "IPv6")]
    [InlineData("1:2:3:4:5:6:7:8:9", "IPv6")]
    [InlineData("badsite.zz:8080", "IPv6")]
    [InlineData("http:///nohost", "no host")]
    [InlineData("/just/a/path", "no host")]
    [InlineData("http://bad_host.zz/x", "host is invalid")]
    [InlineData("http://example.zz:99999/x", "port")]
    [InlineData("http://example.zz:8o/x", "port")]
    [InlineData("http://[example.zz]/x", "brackets")]
    [InlineData("da39a3ee5e6b4b0d3255bfef95601890afd80709", "single label")]
    [InlineData("d41d8cd98f00b204e9800998ecf8427", "single label")]
    public void Invalid_values_are_rejected_with_a_reason(string raw, string reasonFragment)
    {
        Assert.False(IocClassifier.TryClassify(raw, out _, out var reason));
        Assert.Contains(reasonFragment, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_longer_than_63_characters_is_rejected()
    {
        Assert.False(IocClassifier.TryClassify(new string('a', 64) + ".zz", out _, out var reason));
        Assert.Contains("1 to 63", reason, StringComparison.Ordinal);
        Assert.True(IocClassifier.TryClassify(new string('a', 63) + ".zz", out _, out _));
    }

    [Fact]
    public void A_host_name_longer_than_253_characters_is_rejected()
    {
        var longName = string.Join('.', Enumerable.Repeat(new string('a', 60), 5)) + ".zz";
        Assert.False(IocClassifier.TryClassify(longName, out _, out var reason));
        Assert.Contains("253", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_throws_a_format_exception_naming_the_value()
    {
        var error = Assert.Throws<FormatException>(() => IocClassifier.Classify("not valid"));
        Assert.Contains("'not valid'", error.Message, StringComparison.Ordinal);
    }
}
