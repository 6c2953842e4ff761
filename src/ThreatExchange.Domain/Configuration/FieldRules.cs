using System.Net;
using System.Text.RegularExpressions;

namespace ThreatExchange.Domain.Configuration;

/// <summary>
/// The rules that several configuration kinds share, each producing one message that names the field the
/// way the form shows it, in Cloud Exchange's wording, so operators recognise them.
/// </summary>
internal sealed partial class FieldRules
{
    private readonly List<ValidationError> _errors = [];

    public IReadOnlyList<ValidationError> Errors => _errors;

    [GeneratedRegex(@"^[A-Za-z0-9 _.\-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigurationName();

    public void Add(string field, string message) => _errors.Add(new(field, message));

    public bool Required(string field, string label, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
            return true;
        Add(field, $"{label} is a required configuration parameter.");
        return false;
    }

    public void Name(string field, string label, string? value)
    {
        if (Required(field, label, value) && !ConfigurationName().IsMatch(value!))
            Add(field, $"{label} must be 1 to 100 characters of letters, digits, spaces, '_', '-' and '.'.");
    }

    public void ListName(string field, string label, string? value)
    {
        if (value is not null && (value.Length > 255 || value.Any(char.IsControl) || value.Trim() != value))
            Add(field, $"{label} must be at most 255 characters, without control characters or surrounding spaces.");
    }

    public void Range(string field, string label, int value, int min, int max)
    {
        if (value < min || value > max)
            Add(field, $"{label} must be an integer in range {min} to {max}.");
    }

    public void Subset(string field, string label, IEnumerable<string> values, IReadOnlyCollection<string> allowed)
    {
        foreach (var value in values.Where(v => !allowed.Contains(v, StringComparer.Ordinal)).Distinct())
            Add(field, $"Invalid value provided for the configuration parameter '{label}': '{value}'. It should be one of {string.Join(", ", allowed)}.");
    }

    /// <summary>
    /// A service root: absolute, https (http only to this machine, for the simulators), no path, query or fragment.
    /// </summary>
    public void ServiceRoot(string field, string label, string? value)
    {
        if (!Required(field, label, value))
            return;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Add(field, $"Invalid value provided for the configuration parameter '{label}'. It should be an absolute https URL such as https://host.example.");
            return;
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
            Add(field, $"{label} must use https; http is accepted only for a loopback host.");
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            Add(field, $"{label} must be a scheme and host only: its path must be empty or '/', with no query or fragment.");
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
