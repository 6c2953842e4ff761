using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ThreatExchange.Host.WebConsole;

namespace ThreatExchange.Host.Pages;

public sealed class SignInModel(ConsoleAccess access) : PageModel
{
    [BindProperty] public string? Token { get; set; }

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public IActionResult OnGet() => access.SignInRequired ? Page() : Redirect("/plugins");

    public async Task<IActionResult> OnPostAsync()
    {
        if (!access.Accepts(Token))
        {
            Error = "That is not the API token (TE_API_TOKEN) of this service.";
            return Page();
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], ConsoleAccess.Scheme);
        await HttpContext.SignInAsync(ConsoleAccess.Scheme, new ClaimsPrincipal(identity));
        // Only a local path: a sign-in link must not send the operator elsewhere.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/plugins");
    }
}
