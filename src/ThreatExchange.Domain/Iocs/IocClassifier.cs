using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ThreatExchange.Domain.Iocs;

public readonly record struct ClassifiedValue(IocType Type, string Value);

/// <summary>
/// Decides what kind of indicator a raw value is and writes it in the one canonical form that dedupe,
/// the catalog and Netskope all compare on. Pure: the same input always gives the same answer. It runs
/// once per threat mention on the extraction hot path, so it works on spans and hands back the input
/// string itself whenever that is already canonical.
/// </summary>
public static class IocClassifier
{
    private const int MaxHostLength = 253;
    private const int MaxLabelLength = 63;

    public static ClassifiedValue Classify(string? raw) =>
        TryClassify(raw, out var result, out var reason)
            ? result
            : throw new FormatException($"'{raw}' is not a valid IoC: {reason}");

    public static bool TryClassify(string? raw, out ClassifiedValue result, out string reason)
    {
        result = default;
        reason = "";
        if (string.IsNullOrEmpty(raw))
        {
            reason = "the value is empty.";
            return false;
        }
        foreach (var c in raw)
        {
            if (char.IsWhiteSpace(c))
            {
                reason = "it contains white space.";
                return false;
            }
        }
        if (raw.Length is 64 or 32 && !raw.AsSpan().ContainsAnyExcept(HexDigits))
        {
            result = new(raw.Length == 64 ? IocType.Sha256 : IocType.Md5, raw.ToLowerInvariant());
            return true;
        }

        var schemeLength = SchemeLength(raw);
        if (schemeLength > 0 || raw.AsSpan().IndexOfAny('/', '?', '#') >= 0)
        {
            if (!TryNormalizeUrl(raw, schemeLength, out var url, out reason))
                return false;
            result = new(IocType.Url, url);
            return true;
        }

        var host = TrimTrailingDot(raw.ToLowerInvariant());
        if (!TryClassifyHost(host, allowSingleLabel: false, out var hostType, out var ipv6, out reason))
            return false;
        result = new(hostType, ipv6 ?? host);
        return true;
    }

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Length of a leading <c>scheme://</c> (<c>^[a-z][a-z0-9+.-]*://</c>, any case), or 0.</summary>
    private static int SchemeLength(string raw)
    {
        if (!char.IsAsciiLetter(raw[0]))
            return 0;
        var i = 1;
        while (i < raw.Length && (char.IsAsciiLetterOrDigit(raw[i]) || raw[i] is '+' or '.' or '-'))
            i++;
        return raw.AsSpan(i).StartsWith("://") ? i + 3 : 0;
    }

    private static bool TryNormalizeUrl(string raw, int schemeLength, out string url, out string reason)
    {
        url = "";
        var scheme = schemeLength > 0 ? raw.AsSpan(0, schemeLength - 3) : [];
        var rest = raw.AsSpan(schemeLength);
        var fragmentAt = rest.IndexOf('#');
        if (fragmentAt >= 0)
            rest = rest[..fragmentAt];

        var authorityEnd = rest.IndexOfAny('/', '?');
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var pathAndQuery = authorityEnd < 0 ? [] : rest[authorityEnd..];
        var userInfoEnd = authority.LastIndexOf('@');
        var userInfo = authority[..(userInfoEnd + 1)];

        if (!TrySplitPort(authority[(userInfoEnd + 1)..], out var hostSpan, out var port, out reason))
            return false;

        // Room for an IPv6 literal whose compressed form is a little longer than it was written.
        var rented = ArrayPool<char>.Shared.Rent(raw.Length + 16);
        try
        {
            var output = rented.AsSpan();
            var length = 0;
            void Append(ReadOnlySpan<char> part, Span<char> to, ref int at)
            {
                part.CopyTo(to[at..]);
                at += part.Length;
            }

            if (schemeLength > 0)
            {
                length += scheme.ToLowerInvariant(output);
                Append("://", output, ref length);
            }
            Append(userInfo, output, ref length);

            var hostStart = length;
            length += hostSpan.ToLowerInvariant(output[length..]);
            if (length > hostStart && output[length - 1] == '.')
                length--;
            var host = output[hostStart..length];
            if (host.IsEmpty)
            {
                reason = "the URL has no host.";
                return false;
            }
            var bracketed = host[0] == '[';
            if (!TryClassifyHost(host, allowSingleLabel: true, out _, out var ipv6, out var hostReason))
            {
                reason = $"the URL's host is invalid: {hostReason}";
                return false;
            }
            if (ipv6 is not null)
            {
                length = hostStart;
                if (bracketed)
                    Append("[", output, ref length);
                Append(ipv6, output, ref length);
                if (bracketed)
                    Append("]", output, ref length);
            }

            if (port is not null && !IsDefaultPort(output[..(schemeLength > 0 ? schemeLength - 3 : 0)], port))
            {
                Append(":", output, ref length);
                Append(port, output, ref length);
            }
            // A bare value is a URL only through its '/', '?' or '#'; once the fragment is gone, an empty path
            // becomes "/" so that the canonical form still reads as a URL when classified again.
            Append(schemeLength == 0 && pathAndQuery.IsEmpty ? "/" : pathAndQuery, output, ref length);

            var canonical = output[..length];
            url = canonical.SequenceEqual(raw) ? raw : new string(canonical);
            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static bool TrySplitPort(ReadOnlySpan<char> hostAndPort, out ReadOnlySpan<char> host, out string? port, out string reason)
    {
        reason = "";
        port = null;
        int separator;
        if (hostAndPort.StartsWith("["))
        {
            var close = hostAndPort.IndexOf("]:");
            separator = close < 0 ? -1 : close + 1;
        }
        else
        {
            separator = hostAndPort.LastIndexOf(':');
        }
        if (separator < 0)
        {
            host = hostAndPort;
            return true;
        }
        host = hostAndPort[..separator];
        var digits = hostAndPort[(separator + 1)..];
        if (digits.IsEmpty)
            return true;
        if (digits.Length > 5 || digits.ContainsAnyExceptInRange('0', '9') || int.Parse(digits, CultureInfo.InvariantCulture) > 65535)
        {
            reason = $"the URL's port '{digits}' is not a number from 0 to 65535.";
            return false;
        }
        port = int.Parse(digits, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        return true;
    }

    private static bool IsDefaultPort(ReadOnlySpan<char> scheme, string port) =>
        (scheme.SequenceEqual("http") && port == "80") || (scheme.SequenceEqual("https") && port == "443");

    /// <param name="ipv6">The compressed form when the host is an IPv6 literal (brackets stripped), else null.</param>
    private static bool TryClassifyHost(ReadOnlySpan<char> host, bool allowSingleLabel, out IocType type, out string? ipv6, out string reason)
    {
        type = default;
        ipv6 = null;
        reason = "";
        if (IsIpv4(host))
        {
            type = IocType.Ipv4;
            return true;
        }
        var bracketed = host.Length >= 2 && host[0] == '[' && host[^1] == ']';
        var literal = bracketed ? host[1..^1] : host;
        if (literal.Contains(':'))
        {
            if (!literal.ContainsAnyExcept(Ipv6Characters)
                && IPAddress.TryParse(literal, out var address)
                && address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                type = IocType.Ipv6;
                ipv6 = address.ToString();
                return true;
            }
            reason = "it is not a valid IPv6 address.";
            return false;
        }
        if (bracketed)
        {
            reason = "only an IPv6 address may stand in brackets.";
            return false;
        }
        return TryClassifyHostName(host, allowSingleLabel, out type, out reason);
    }

    private static readonly SearchValues<char> Ipv6Characters = SearchValues.Create("0123456789abcdefABCDEF:.");
    private static readonly SearchValues<char> LabelCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    private static bool TryClassifyHostName(ReadOnlySpan<char> host, bool allowSingleLabel, out IocType type, out string reason)
    {
        type = default;
        if (host.Length > MaxHostLength)
        {
            reason = $"a host name may have at most {MaxHostLength} characters.";
            return false;
        }
        var labels = 0;
        var lastLabel = ReadOnlySpan<char>.Empty;
        foreach (var range in host.Split('.'))
        {
            var label = host[range];
            if (label.Length is 0 or > MaxLabelLength)
            {
                reason = $"each label of a host name must have 1 to {MaxLabelLength} characters.";
                return false;
            }
            if (label.ContainsAnyExcept(LabelCharacters) || label[0] == '-' || label[^1] == '-')
            {
                reason = $"the label '{label}' may hold only letters, digits and inner hyphens.";
                return false;
            }
            labels++;
            lastLabel = label;
        }
        if (labels == 1 && !allowSingleLabel)
        {
            reason = "a single label is not a domain.";
            return false;
        }
        // A name ending in digits is a mistyped address (1.2.3.256), never a real top-level domain.
        if (labels > 1 && !lastLabel.ContainsAnyExceptInRange('0', '9'))
        {
            reason = "a host name may not end in a numeric label.";
            return false;
        }
        type = labels >= 3 ? IocType.Fqdn : IocType.Domain;
        reason = "";
        return true;
    }

    private static bool IsIpv4(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (++parts > 4
                || part.Length is < 1 or > 3
                || part.ContainsAnyExceptInRange('0', '9')
                || (part.Length > 1 && part[0] == '0')
                || int.Parse(part, CultureInfo.InvariantCulture) > 255)
                return false;
        }
        return parts == 4;
    }

    private static string TrimTrailingDot(string host) => host.EndsWith('.') ? host[..^1] : host;
}
