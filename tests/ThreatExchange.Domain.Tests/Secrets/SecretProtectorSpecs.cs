using System.Security.Cryptography;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Domain.Tests.Secrets;

public sealed class SecretProtectorSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("te-keys-").FullName;
    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_protected_secret_round_trips_and_hides_its_plaintext()
    {
        var sealedText = _protector.Protect(new Secret("hunter2"), "source:tap/secret");
        Assert.DoesNotContain("hunter2", sealedText, StringComparison.Ordinal);
        Assert.StartsWith("aesgcm1:", sealedText, StringComparison.Ordinal);
        Assert.Equal("hunter2", _protector.Unprotect(sealedText, "source:tap/secret").Reveal());
    }

    [Fact]
    public void Protecting_twice_gives_different_ciphertexts() =>
        Assert.NotEqual(_protector.Protect(new Secret("x"), "p"), _protector.Protect(new Secret("x"), "p"));

    [Fact]
    public void A_wrong_key_gives_a_clear_error_not_garbage()
    {
        var sealedText = _protector.Protect(new Secret("hunter2"), "source:tap/secret");
        var other = new SecretProtector(RandomNumberGenerator.GetBytes(32));
        var error = Assert.Throws<SecretProtectionException>(() => other.Unprotect(sealedText, "source:tap/secret"));
        Assert.Contains("secret key differs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tampered_data_is_detected()
    {
        var sealedText = _protector.Protect(new Secret("hunter2"), "p");
        var bytes = Convert.FromBase64String(sealedText["aesgcm1:".Length..]);
        bytes[^1] ^= 0x01;
        var tampered = "aesgcm1:" + Convert.ToBase64String(bytes);
        Assert.Throws<SecretProtectionException>(() => _protector.Unprotect(tampered, "p"));
    }

    [Fact]
    public void A_ciphertext_moved_to_another_purpose_does_not_open()
    {
        var sealedText = _protector.Protect(new Secret("hunter2"), "source:a/secret");
        Assert.Throws<SecretProtectionException>(() => _protector.Unprotect(sealedText, "source:b/secret"));
    }

    [Theory]
    [InlineData("plain-text")]
    [InlineData("aesgcm1:%%%")]
    [InlineData("aesgcm1:AAAA")]
    public void Corrupt_stored_text_is_a_clear_error(string stored)
    {
        var error = Assert.Throws<SecretProtectionException>(() => _protector.Unprotect(stored, "p"));
        Assert.Contains("'p'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_the_wrong_size_is_refused() =>
        Assert.Throws<SecretProtectionException>(() => new SecretProtector(new byte[16]));

    [Fact]
    public void The_environment_key_wins_and_must_be_32_bytes_of_base64()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var fromEnvironment = SecretKeySource.Load(Convert.ToBase64String(key), Path.Combine(_folder, "unused.key"));
        var sealedText = fromEnvironment.Protect(new Secret("x"), "p");
        Assert.Equal("x", new SecretProtector(key).Unprotect(sealedText, "p").Reveal());
        Assert.False(File.Exists(Path.Combine(_folder, "unused.key")));

        var tooShort = Assert.Throws<SecretProtectionException>(() => SecretKeySource.Load(Convert.ToBase64String(new byte[8]), "k"));
        Assert.Contains("TE_SECRET_KEY must decode to 32 bytes; it decodes to 8", tooShort.Message, StringComparison.Ordinal);
        Assert.Throws<SecretProtectionException>(() => SecretKeySource.Load("not base64!", "k"));
    }

    [Fact]
    public void Without_an_environment_key_a_key_file_is_created_once_readable_by_its_owner_only()
    {
        var path = Path.Combine(_folder, "nested", "secret.key");
        var first = SecretKeySource.Load(null, path);
        var sealedText = first.Protect(new Secret("x"), "p");

        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var second = SecretKeySource.Load("", path);
        Assert.Equal("x", second.Unprotect(sealedText, "p").Reveal());
    }
}
