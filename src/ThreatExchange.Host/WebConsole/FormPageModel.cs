using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ThreatExchange.Host.WebConsole;

/// <summary>A create-or-edit form: what was typed, whether an existing item is edited, and the messages per field.</summary>
public abstract class FormPageModel<TForm> : PageModel where TForm : new()
{
    [BindProperty]
    public TForm Form { get; set; } = new();

    /// <summary>Set when editing: the name is fixed and a secret left blank keeps the stored one.</summary>
    [BindProperty]
    public bool Editing { get; set; }

    public FieldErrors Errors { get; } = new();
}
