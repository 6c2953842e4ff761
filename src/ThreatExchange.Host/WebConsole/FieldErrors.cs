using System.Net;
using Microsoft.AspNetCore.Html;
using ThreatExchange.Domain;

namespace ThreatExchange.Host.WebConsole;

/// <summary>The validation messages of a form, by field, for showing each beside its input.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

    public bool Any => _byField.Count > 0;

    public void Add(string field, string message)
    {
        if (!_byField.TryGetValue(field, out var messages))
            _byField[field] = messages = [];
        messages.Add(message);
    }

    public void AddRange(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
            Add(error.Field, error.Message);
    }

    public IReadOnlyList<string> For(string field) => _byField.TryGetValue(field, out var messages) ? messages : [];

    /// <summary>The field's messages in the element beside its input; empty but present when it has none.</summary>
    public IHtmlContent Show(string field) =>
        new HtmlString($"<div class=\"field-error\" id=\"error-{WebUtility.HtmlEncode(field)}\">{WebUtility.HtmlEncode(string.Join(" ", For(field)))}</div>");

    /// <summary>Errors for fields the form has no input for, shown above it rather than lost.</summary>
    public IEnumerable<string> Others(IEnumerable<string> shownFields)
    {
        var shown = shownFields.ToHashSet(StringComparer.Ordinal);
        return _byField.Where(p => !shown.Contains(p.Key)).SelectMany(p => p.Value.Select(m => $"{p.Key}: {m}"));
    }

    /// <summary>A whole number from a form input, or an error naming the field.</summary>
    public int Integer(string field, string label, string? text, int fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
            return value;
        Add(field, $"{label} must be an integer.");
        return fallback;
    }
}
