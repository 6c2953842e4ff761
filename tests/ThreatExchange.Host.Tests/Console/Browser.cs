using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace ThreatExchange.Host.Tests.Console;

/// <summary>Debian's headless Chromium driven through its chromedriver; nothing is downloaded.</summary>
public sealed class Browser : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    public Browser(Uri site, string screenshots)
    {
        ThreatExchange.Tests.DebianPackages.Ensure();
        Site = site;
        Screenshots = Directory.CreateDirectory(screenshots).FullName;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1100",
            "--disable-background-networking", "--disable-extensions", "--no-first-run", "--disable-sync");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        Driver = new ChromeDriver(service, options, Wait);
    }

    public ChromeDriver Driver { get; }

    public Uri Site { get; }

    public string Screenshots { get; }

    public void Open(string path) => Driver.Navigate().GoToUrl(new Uri(Site, path));

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    public IReadOnlyList<IWebElement> FindAll(string css) => Driver.FindElements(By.CssSelector(css));

    /// <summary>
    /// An attribute (or, with null, the text) of every match, read in one script: the pages refresh parts of
    /// themselves, so elements held across calls would go stale.
    /// </summary>
    public IReadOnlyList<string> Read(string css, string? attribute = null) =>
        ((IEnumerable<object>)Driver.ExecuteScript(
            "return [...document.querySelectorAll(arguments[0])].map(e => arguments[1] ? (e.getAttribute(arguments[1]) ?? '') : e.textContent);", css, attribute)!)
        .Select(v => (string)v).ToList();

    public void Type(string css, string text)
    {
        var input = Find(css);
        input.Clear();
        input.SendKeys(text);
    }

    /// <summary>Clicks what submits a form or follows a link, and waits until the next page has replaced this one.</summary>
    public void Go(string css) => Go(Find(css));

    public void Go(IWebElement element)
    {
        var page = Find("html");
        element.Click();
        CreateWait("the next page loads").Until(driver =>
        {
            try
            {
                // Still answering: the old page is still there.
                _ = page.Enabled;
                return false;
            }
            catch (StaleElementReferenceException)
            {
                return ((IJavaScriptExecutor)driver).ExecuteScript("return document.readyState") is "complete";
            }
        });
    }

    public void Choose(string css, string value) => Find($"{css} option[value='{value}']").Click();

    /// <summary>Reloads the page until the condition holds, as an operator waiting for data would.</summary>
    public void Until(Func<bool> condition, string what, bool reload = true) =>
        CreateWait(what).Until(_ =>
        {
            if (condition())
                return true;
            if (reload)
                Driver.Navigate().Refresh();
            return false;
        });

    private WebDriverWait CreateWait(string what)
    {
        var wait = new WebDriverWait(Driver, Wait) { Message = what, PollingInterval = TimeSpan.FromMilliseconds(500) };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        return wait;
    }

    public string Screenshot(string name)
    {
        var path = Path.Combine(Screenshots, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose() => Driver.Quit();
}
