namespace ThreatExchange.Domain.Secrets;

/// <summary>
/// Finds the key that protects stored secrets: <c>TE_SECRET_KEY</c> (base64, 32 bytes) when set, as a
/// cluster needs one key on every node; otherwise a key file created on first use, readable by its owner only.
/// </summary>
public static class SecretKeySource
{
    public const string EnvironmentVariable = "TE_SECRET_KEY";

    public static SecretProtector Load(string? environmentValue, string keyFilePath)
    {
        if (!string.IsNullOrWhiteSpace(environmentValue))
            return new SecretProtector(DecodeKey(environmentValue, EnvironmentVariable));

        if (File.Exists(keyFilePath))
            return new SecretProtector(DecodeKey(File.ReadAllText(keyFilePath), $"the key file {keyFilePath}"));

        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(SecretProtector.KeySize);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyFilePath))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(keyFilePath, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(Convert.ToBase64String(key));
        return new SecretProtector(key);
    }

    private static byte[] DecodeKey(string text, string origin)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException e)
        {
            throw new SecretProtectionException($"The secret key in {origin} is not valid base64.", e);
        }
        if (key.Length != SecretProtector.KeySize)
            throw new SecretProtectionException(
                $"The secret key in {origin} must decode to {SecretProtector.KeySize} bytes; it decodes to {key.Length}.");
        return key;
    }
}
