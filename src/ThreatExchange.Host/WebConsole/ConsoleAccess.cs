using System.Security.Cryptography;
using System.Text;

namespace ThreatExchange.Host.WebConsole;

/// <summary>
/// Who may use the console: anyone when the service runs on loopback without a token; otherwise whoever signs in
/// with the API token, after which an HttpOnly, SameSite=Strict cookie carries the session. The same constant-time check
/// answers the bearer token of API, pbm and metrics calls.
/// </summary>
public sealed class ConsoleAccess(string? token)
{
    public const string Scheme = "te-console";

    public bool SignInRequired => !string.IsNullOrEmpty(token);

    public bool Accepts(string? offered) =>
        SignInRequired && offered is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), Encoding.UTF8.GetBytes(token!));
}
