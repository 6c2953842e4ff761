using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ThreatExchange.Domain.Iocs;

public readonly record struct ClassifiedValue(IocType Type, string Value);

/// <summary>
/// Decides what kind of indicator a raw value is and writes it in the one canonical form that dedupe,
/// the catalog and Netskope all compare on. Pure: the same input always gives the same answer.
/// </summary>
public static partial class IocClassifier
{
    private const int MaxHostLength = 253;
    private const int MaxLabelLength = 63;

    [GeneratedRegex("^[a-z][a-z0-9+.-]*://", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SchemePrefix();

    public static ClassifiedValue Classify(string? raw) =>
        TryClassify(raw, out var result, out var reason)
            ? result
            : throw new FormatException($"'{raw}' is not a valid IoC: {reason}");

    public static bool TryClassify(string? raw, out ClassifiedValue result, out string reason)
    {
        result = default;
        if (string.IsNullOrEmpty(raw))
        {
            reason = "the value is empty.";
            return false;
        }
        if (raw.Any(char.IsWhiteSpace))
        {
            reason = "it contains white space.";
            return false;
        }
        if (IsHex(raw, 64))
        {
            result = new(IocType.Sha256, raw.ToLowerInvariant());
            reason = "";
            return true;
        }
        if (IsHex(raw, 32))
        {
            result = new(IocType.Md5, raw.ToLowerInvariant());
            reason = "";
            return true;
        }

        var schemeMatch = SchemePrefix().Match(raw);
        if (schemeMatch.Success || raw.AsSpan().IndexOfAny('/', '?', '#') >= 0)
        {
            var scheme = schemeMatch.Success ? raw[..(schemeMatch.Length - 3)].ToLowerInvariant() : null;
            var rest = schemeMatch.Success ? raw[schemeMatch.Length..] : raw;
            if (!TryNormalizeUrl(scheme, rest, out var url, out reason))
                return false;
            result = new(IocType.Url, url);
            return true;
        }

        var host = TrimTrailingDot(raw.ToLowerInvariant());
        if (!TryClassifyHost(host, allowSingleLabel: false, out var hostType, out var canonicalHost, out reason))
            return false;
        result = new(hostType, canonicalHost);
        return true;
    }

    private static bool TryNormalizeUrl(string? scheme, string rest, out string url, out string reason)
    {
        url = "";
        var fragmentAt = rest.IndexOf('#');
        if (fragmentAt >= 0)
            rest = rest[..fragmentAt];

        var authorityEnd = rest.AsSpan().IndexOfAny('/', '?');
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var pathAndQuery = authorityEnd < 0 ? "" : rest[authorityEnd..];

        var userInfoEnd = authority.LastIndexOf('@');
        var userInfo = userInfoEnd < 0 ? "" : authority[..(userInfoEnd + 1)];
        var hostAndPort = authority[(userInfoEnd + 1)..];

        if (!TrySplitPort(hostAndPort, out var host, out var port, out reason))
            return false;
        host = TrimTrailingDot(host.ToLowerInvariant());
        if (host.Length == 0)
        {
            reason = "the URL has no host.";
            return false;
        }
        if (!TryClassifyHost(host, allowSingleLabel: true, out _, out var canonicalHost, out var hostReason))
        {
            reason = $"the URL's host is invalid: {hostReason}";
            return false;
        }
        if (host.StartsWith('['))
            canonicalHost = $"[{canonicalHost}]";

        // A bare value is a URL only through its '/', '?' or '#'; once the fragment is gone, an empty path
        // becomes "/" so that the canonical form still reads as a URL when classified again.
        if (scheme is null && pathAndQuery.Length == 0)
            pathAndQuery = "/";

        var keepPort = port is not null && !IsDefaultPort(scheme, port);
        url = (scheme is null ? "" : scheme + "://") + userInfo + canonicalHost + (keepPort ? ":" + port : "") + pathAndQuery;
        reason = "";
        return true;
    }

    private static bool TrySplitPort(string hostAndPort, out string host, out string? port, out string reason)
    {
        reason = "";
        port = null;
        var portSeparator = hostAndPort.StartsWith('[')
            ? hostAndPort.IndexOf("]:", StringComparison.Ordinal) is var close and >= 0 ? close + 1 : -1
            : hostAndPort.LastIndexOf(':');
        if (portSeparator < 0)
        {
            host = hostAndPort;
            return true;
        }
        host = hostAndPort[..portSeparator];
        var digits = hostAndPort[(portSeparator + 1)..];
        if (digits.Length == 0)
            return true;
        if (digits.Length > 5 || !digits.All(char.IsAsciiDigit) || int.Parse(digits, CultureInfo.InvariantCulture) > 65535)
        {
            reason = $"the URL's port '{digits}' is not a number from 0 to 65535.";
            return false;
        }
        port = int.Parse(digits, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        return true;
    }

    private static bool IsDefaultPort(string? scheme, string port) =>
        (scheme, port) is ("http", "80") or ("https", "443");

    private static bool TryClassifyHost(string host, bool allowSingleLabel, out IocType type, out string canonical, out string reason)
    {
        type = default;
        canonical = host;
        reason = "";
        if (IsIpv4(host))
        {
            type = IocType.Ipv4;
            return true;
        }
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        var literal = bracketed ? host[1..^1] : host;
        if (literal.Contains(':'))
        {
            if (literal.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.')
                && IPAddress.TryParse(literal, out var address)
                && address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                type = IocType.Ipv6;
                canonical = address.ToString();
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

    private static bool TryClassifyHostName(string host, bool allowSingleLabel, out IocType type, out string reason)
    {
        type = default;
        if (host.Length > MaxHostLength)
        {
            reason = $"a host name may have at most {MaxHostLength} characters.";
            return false;
        }
        var labels = host.Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > MaxLabelLength)
            {
                reason = $"each label of a host name must have 1 to {MaxLabelLength} characters.";
                return false;
            }
            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || label[0] == '-' || label[^1] == '-')
            {
                reason = $"the label '{label}' may hold only letters, digits and inner hyphens.";
                return false;
            }
        }
        if (labels.Length == 1 && !allowSingleLabel)
        {
            reason = "a single label is not a domain.";
            return false;
        }
        // A name ending in digits is a mistyped address (1.2.3.256), never a real top-level domain.
        if (labels.Length > 1 && labels[^1].All(char.IsAsciiDigit))
        {
            reason = "a host name may not end in a numeric label.";
            return false;
        }
        type = labels.Length >= 3 ? IocType.Fqdn : IocType.Domain;
        reason = "";
        return true;
    }

    private static bool IsIpv4(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(p =>
            p.Length is >= 1 and <= 3
            && p.All(char.IsAsciiDigit)
            && (p.Length == 1 || p[0] != '0')
            && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    private static bool IsHex(string text, int length) => text.Length == length && text.All(char.IsAsciiHexDigit);

    private static string TrimTrailingDot(string host) => host.EndsWith('.') ? host[..^1] : host;
}
