using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

// pbm [host:port] COMMAND ...   runs one command;   pbm [host:port]   opens a prompt.
var target = "127.0.0.1:9110";
var words = args.ToList();
if (words.Count > 0 && Regex.IsMatch(words[0], @"^[A-Za-z0-9.\-\[\]]+:\d+$"))
{
    target = words[0];
    words.RemoveAt(0);
}

using var http = new HttpClient { BaseAddress = new Uri($"http://{target}/"), Timeout = TimeSpan.FromSeconds(30) };
if (Environment.GetEnvironmentVariable("TE_API_TOKEN") is { Length: > 0 } token)
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

if (words is ["cluster", "tail"])
    return await Tail();
if (words.Count > 0)
    return await Run(words);

var history = new List<string>();
while (true)
{
    Console.Write($"[{target}] pbm> ");
    var line = Console.ReadLine();
    if (line is null || line.Trim() is "exit" or "quit")
        return 0;
    if (line.Trim().Length == 0)
        continue;
    if (line.Trim() == "history")
    {
        for (var i = 0; i < history.Count; i++)
            Console.WriteLine($"{i + 1,4}  {history[i]}");
        continue;
    }
    history.Add(line);
    await Run(line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList());
}

async Task<int> Run(List<string> command)
{
    try
    {
        using var response = await http.PostAsJsonAsync("pbm", new { args = command });
        if (!response.IsSuccessStatusCode)
        {
            await Console.Error.WriteLineAsync($"{target} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return 3;
        }
        var answer = await response.Content.ReadFromJsonAsync<Answer>() ?? new Answer(3, ["Empty answer."]);
        foreach (var line in answer.Lines)
            Console.WriteLine(line);
        return answer.ExitCode;
    }
    catch (HttpRequestException e)
    {
        await Console.Error.WriteLineAsync($"Cannot reach the command server at {target}: {e.Message}");
        return 3;
    }
}

// Membership changes as they happen, read every two seconds, until Ctrl-C.
async Task<int> Tail()
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    var known = new Dictionary<string, string>(StringComparer.Ordinal);
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
    do
    {
        using var response = await http.PostAsJsonAsync("pbm", new { args = new[] { "cluster", "show", "--json" } }, stop.Token);
        var answer = await response.Content.ReadFromJsonAsync<Answer>(stop.Token);
        if (answer is not { ExitCode: 0, Lines.Count: 1 })
            return 3;
        var members = System.Text.Json.JsonDocument.Parse(answer.Lines[0]).RootElement.EnumerateArray()
            .ToDictionary(m => m.GetProperty("address").GetString()!,
                m => $"{m.GetProperty("status").GetString()} | {(m.GetProperty("reachable").GetBoolean() ? "Reachable" : "Unreachable")}");
        foreach (var (address, state) in members.Where(m => !known.TryGetValue(m.Key, out var held) || held != m.Value))
            Console.WriteLine($"{DateTimeOffset.UtcNow:u} {address} | {state}");
        foreach (var gone in known.Keys.Except(members.Keys).ToList())
            Console.WriteLine($"{DateTimeOffset.UtcNow:u} {gone} | Removed");
        known = members;
    }
    while (await WaitAsync(timer, stop.Token));
    return 0;
}

static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
{
    try
    {
        return await timer.WaitForNextTickAsync(cancellationToken);
    }
    catch (OperationCanceledException)
    {
        return false;
    }
}

internal sealed record Answer(int ExitCode, IReadOnlyList<string> Lines);
