using System.Net;
using System.Text.Json;

namespace ThreatExchange.Netskope;

public enum FileHashUpdate { Replaced, Unchanged }

/// <summary>
/// Netskope file hash lists (API v1, Threat Protection): every call replaces the whole list, so the caller
/// always passes the complete intended content, MD5 and SHA-256 mixed.
/// </summary>
public sealed class FileHashListClient(NetskopeHttp http)
{
    private const string Subscription = "Threat Protection";
    private const string Path = "/api/v1/updateFileHashList";
    private const string Duplicate = "Duplicate request, no change in file hashes";

    public async Task<FileHashUpdate> ReplaceAsync(string name, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default)
    {
        var token = http.Options.V1Token is { IsEmpty: false } v1
            ? v1.Reveal()
            : throw new NetskopeException(NetskopeErrorKind.Unauthorized, "A V1 token is required to share file hashes.");
        using var response = await http.SendAsync(HttpMethod.Post, Path, new { name, list = string.Join(',', hashes), token },
            v2Header: false, Subscription, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);

        var (status, errors) = Parse(text);
        if (response.StatusCode == HttpStatusCode.OK && status == "success")
            return FileHashUpdate.Replaced;
        if (errors.Any(e => e.Contains(Duplicate, StringComparison.OrdinalIgnoreCase)))
            return FileHashUpdate.Unchanged;
        if (errors.Any(e => e.Contains("token", StringComparison.OrdinalIgnoreCase)))
            throw new NetskopeException(NetskopeErrorKind.Unauthorized, $"Netskope rejected the V1 token for file hash list '{name}': \"{string.Join("; ", errors)}\"");
        throw new NetskopeException(NetskopeErrorKind.Rejected, $"Netskope refused to update file hash list '{name}': \"{(errors.Count > 0 ? string.Join("; ", errors) : text)}\"");
    }

    private static (string? Status, IReadOnlyList<string> Errors) Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array
                ? e.EnumerateArray().Select(x => x.ToString()).ToList()
                : [];
            return (status, errors);
        }
        catch (JsonException)
        {
            return (null, []);
        }
    }
}
