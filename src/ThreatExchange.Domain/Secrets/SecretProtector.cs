using System.Security.Cryptography;
using System.Text;

namespace ThreatExchange.Domain.Secrets;

public sealed class SecretProtectionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Encrypts secrets with AES-256-GCM before they reach the journal. The purpose (for example
/// <c>source:prod/secret</c>) is bound as associated data, so a ciphertext copied to another field or
/// configuration fails to open instead of decrypting into the wrong place.
/// </summary>
public sealed class SecretProtector
{
    public const int KeySize = 32;
    private const string FormatPrefix = "aesgcm1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;

    public SecretProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
            throw new SecretProtectionException($"The secret key must be {KeySize} bytes; this one has {key.Length}.");
        _key = key.ToArray();
    }

    public string Protect(Secret secret, string purpose)
    {
        var plaintext = Encoding.UTF8.GetBytes(secret.Reveal());
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize),
            Encoding.UTF8.GetBytes(purpose));
        return FormatPrefix + Convert.ToBase64String(sealedBytes);
    }

    public Secret Unprotect(string protectedText, string purpose)
    {
        if (!protectedText.StartsWith(FormatPrefix, StringComparison.Ordinal))
            throw new SecretProtectionException($"The stored secret for '{purpose}' is not in the '{FormatPrefix}' format; it was not written by this service.");
        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(protectedText[FormatPrefix.Length..]);
        }
        catch (FormatException e)
        {
            throw new SecretProtectionException($"The stored secret for '{purpose}' is corrupt (not base64).", e);
        }
        if (sealedBytes.Length < NonceSize + TagSize)
            throw new SecretProtectionException($"The stored secret for '{purpose}' is corrupt (too short).");

        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize),
                sealedBytes.AsSpan(NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(purpose));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new SecretProtectionException(
                $"The stored secret for '{purpose}' cannot be decrypted: the secret key differs from the one it was encrypted with, or the data was altered.", e);
        }
        return new Secret(Encoding.UTF8.GetString(plaintext));
    }
}
