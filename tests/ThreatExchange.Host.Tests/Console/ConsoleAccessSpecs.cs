using System.Net;
using Microsoft.AspNetCore.Builder;
using ThreatExchange.Host.Service;

namespace ThreatExchange.Host.Tests.Console;

/// <summary>Who gets into the console: a sign-in with the API token beyond loopback, a strict cookie, anti-forgery on every form.</summary>
public sealed class ConsoleAccessSpecs : IAsyncLifetime
{
    private const string Token = "console-token";
    private readonly string _data = Directory.CreateTempSubdirectory("te-access-").FullName;
    private readonly string _open = Directory.CreateTempSubdirectory("te-open-").FullName;
    private WebApplication _guarded = null!;
    private WebApplication _loopback = null!;

    public async Task InitializeAsync()
    {
        _guarded = ServiceCommand.Build(new ServiceOptions { DataFolder = _data, ApiUrl = "http://127.0.0.1:0", CommandUrl = "http://127.0.0.1:0", ApiToken = Token });
        _loopback = ServiceCommand.Build(new ServiceOptions { DataFolder = _open, ApiUrl = "http://127.0.0.1:0", CommandUrl = "http://127.0.0.1:0" });
        await Task.WhenAll(_guarded.StartAsync(), _loopback.StartAsync());
    }

    public async Task DisposeAsync()
    {
        await _guarded.DisposeAsync();
        await _loopback.DisposeAsync();
        Directory.Delete(_data, recursive: true);
        Directory.Delete(_open, recursive: true);
    }

    [Fact]
    public void With_a_token_the_console_asks_to_sign_in_and_then_keeps_an_http_only_strict_cookie()
    {
        using var browser = new Browser(new Uri(_guarded.Urls.First()), Path.Combine(AppContext.BaseDirectory, "screenshots"));
        browser.Open("/iocs");
        Assert.Contains("/signin?returnUrl=%2Fiocs", browser.Driver.Url, StringComparison.Ordinal);
        browser.Type("#token", "wrong");
        browser.Go("#signin");
        Assert.Equal("That is not the API token (TE_API_TOKEN) of this service.", browser.Find("#error-token").Text);
        browser.Screenshot("00-sign-in");

        browser.Type("#token", Token);
        browser.Go("#signin");
        Assert.EndsWith("/iocs", browser.Driver.Url, StringComparison.Ordinal);
        var cookie = browser.Driver.Manage().Cookies.GetCookieNamed("te-console");
        Assert.NotNull(cookie);
        Assert.True(cookie.IsHttpOnly);
        Assert.Equal("Strict", cookie.SameSite);
        browser.Open("/cluster");
        Assert.EndsWith("/cluster", browser.Driver.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_console_cookie_never_opens_the_api_which_still_wants_the_bearer_token()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(_guarded.Urls.First()),
        };
        var form = await http.GetStringAsync("/signin");
        var antiforgery = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var signedIn = await http.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["Token"] = Token, ["__RequestVerificationToken"] = antiforgery }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/plugins")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/sources")).StatusCode);
    }

    [Fact]
    public async Task On_loopback_without_a_token_there_is_no_sign_in_but_a_form_post_without_its_anti_forgery_token_is_refused()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_loopback.Urls.First()) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/plugins")).StatusCode);
        var forged = await http.PostAsync("/plugins/source", new FormUrlEncodedContent(new Dictionary<string, string> { ["Form.Name"] = "forged" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var form = await http.GetStringAsync("/plugins/source");
        Assert.Contains("name=\"__RequestVerificationToken\"", form, StringComparison.Ordinal);
    }
}
