using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ThreatExchange.Netskope;

public sealed record UrlListInfo(long Id, string Name);

/// <summary>What one push did: which values the list took, which Netskope refused and why.</summary>
public sealed record UrlListPushResult(long ListId, IReadOnlyList<string> Accepted, IReadOnlyList<RejectedValue> Rejected);

/// <summary>
/// Netskope URL lists (API v2, Secure Web Gateway). Changes are pending until <see cref="DeployAsync"/>,
/// so a caller appends or replaces as many batches as it needs and deploys once.
/// </summary>
public sealed class UrlListClient(NetskopeHttp http)
{
    private const string Subscription = "Secure Web Gateway";
    private const string ListsPath = "/api/v2/policy/urllist";

    public async Task<UrlListInfo?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await http.SendAsync(HttpMethod.Get, ListsPath + "?field=id,name", null, v2Header: true, Subscription, cancellationToken).ConfigureAwait(false);
        var lists = await ReadJson<List<UrlListInfo>>(response, ListsPath, cancellationToken).ConfigureAwait(false);
        return lists.FirstOrDefault(l => l.Name == name);
    }

    /// <summary>Creates the list with its first batch; Netskope refuses an empty list, and a fake entry would be shared.</summary>
    public Task<UrlListPushResult> CreateAsync(string name, string type, IReadOnlyList<string> urls, CancellationToken cancellationToken = default) =>
        PushWithRejectionsAsync(HttpMethod.Post, ListsPath, null, urls, u => new { name, data = new { urls = u, type } }, cancellationToken);

    public Task<UrlListPushResult> AppendAsync(long id, string type, IReadOnlyList<string> urls, CancellationToken cancellationToken = default) =>
        PushWithRejectionsAsync(HttpMethod.Patch, $"{ListsPath}/{id}/append", id, urls, u => new { data = new { urls = u, type } }, cancellationToken);

    /// <summary>Replaces the whole list: how removals are made, so <paramref name="urls"/> is its complete intended content.</summary>
    public Task<UrlListPushResult> ReplaceAsync(long id, string type, IReadOnlyList<string> urls, CancellationToken cancellationToken = default) =>
        PushWithRejectionsAsync(HttpMethod.Patch, $"{ListsPath}/{id}/replace", id, urls, u => new { data = new { urls = u, type } }, cancellationToken);

    public async Task DeployAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.SendAsync(HttpMethod.Post, ListsPath + "/deploy", new { }, v2Header: true, Subscription, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.BadRequest)
            throw new NetskopeException(NetskopeErrorKind.Unexpected, $"Netskope refused to deploy URL list changes: \"{await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}\"");
    }

    /// <summary>
    /// A 400 that names rejected values: they are dropped and the rest sent once more, as Cloud Exchange does.
    /// A second refusal, or one that names nothing, is a failure.
    /// </summary>
    private async Task<UrlListPushResult> PushWithRejectionsAsync(HttpMethod method, string path, long? id, IReadOnlyList<string> urls,
        Func<IReadOnlyList<string>, object> body, CancellationToken cancellationToken)
    {
        var rejected = new List<RejectedValue>();
        var sending = urls;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await http.SendAsync(method, path, body(sending), v2Header: true, Subscription, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.BadRequest)
            {
                var listId = id ?? (await ReadJson<UrlListInfo>(response, path, cancellationToken).ConfigureAwait(false)).Id;
                return new UrlListPushResult(listId, sending, rejected);
            }
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var named = RejectedValues(text);
            var refusedNow = named.Where(r => sending.Contains(r.Value)).ToList();
            if (attempt == 1 || refusedNow.Count == 0)
                throw new NetskopeException(NetskopeErrorKind.Rejected, $"Netskope refused {method} {path} (400): \"{text}\"");
            rejected.AddRange(refusedNow);
            var refusedSet = refusedNow.Select(r => r.Value).ToHashSet(StringComparer.Ordinal);
            sending = sending.Where(u => !refusedSet.Contains(u)).ToList();
            if (sending.Count == 0)
                return new UrlListPushResult(id ?? 0, sending, rejected);
        }
        throw new InvalidOperationException("Unreachable: the loop returns or throws on its second pass.");
    }

    /// <summary>Reads <c>{"message":[[value, reason], ...]}</c>; anything else names no value.</summary>
    internal static IReadOnlyList<RejectedValue> RejectedValues(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (!document.RootElement.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Array)
                return [];
            return message.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Array && e.GetArrayLength() >= 1 && e[0].ValueKind == JsonValueKind.String)
                .Select(e => new RejectedValue(e[0].GetString()!, e.GetArrayLength() > 1 ? e[1].ToString() : "rejected"))
                .ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static async Task<T> ReadJson<T>(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
            throw new NetskopeException(NetskopeErrorKind.Unexpected,
                $"Netskope answered {path} with {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not JSON: verify the tenant URL.");
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(NetskopeHttp.Json, cancellationToken).ConfigureAwait(false)
                ?? throw new NetskopeException(NetskopeErrorKind.Unexpected, $"Netskope answered {path} with an empty body.");
        }
        catch (JsonException e)
        {
            throw new NetskopeException(NetskopeErrorKind.Unexpected, $"Netskope's answer to {path} is not the JSON expected: {e.Message}", e);
        }
    }
}
