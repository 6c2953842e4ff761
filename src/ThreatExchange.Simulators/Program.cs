using System.CommandLine;
using ThreatExchange.Simulators.Netskope;
using ThreatExchange.Simulators.Proofpoint;

var port = new Option<int>("--port") { Description = "Loopback port to listen on (0: any free port).", DefaultValueFactory = _ => 0 };

var listen = new Option<string>("--listen") { Description = "Address to listen on: 127.0.0.1, or 0.0.0.0 in a container.", DefaultValueFactory = _ => "127.0.0.1" };
var seed = new Option<int>("--seed") { Description = "Seed of the generated data; the same seed gives the same events.", DefaultValueFactory = _ => 1 };
var threatsPerHour = new Option<int>("--threats-per-hour") { Description = "Events generated per hour.", DefaultValueFactory = _ => 60 };
var principal = new Option<string>("--principal") { Description = "Service principal accepted.", DefaultValueFactory = _ => "sim-principal" };
var secret = new Option<string>("--secret") { Description = "Service secret accepted.", DefaultValueFactory = _ => "sim-secret" };
var lookBackDays = new Option<double>("--look-back-days") { Description = "How far into the past requests may start.", DefaultValueFactory = _ => 7 };
var errorRate = new Option<double>("--error-rate") { Description = "Probability of a 500 per request." };
var throttleRate = new Option<double>("--throttle-rate") { Description = "Probability of a 429 per request." };
var slowRate = new Option<double>("--slow-rate") { Description = "Probability of a slow answer per request." };
var slowMs = new Option<int>("--slow-ms") { Description = "Delay of a slow answer.", DefaultValueFactory = _ => 5000 };
var malformedRate = new Option<double>("--malformed-rate") { Description = "Probability of a truncated JSON body." };
var textPlainRate = new Option<double>("--text-plain-rate") { Description = "Probability of JSON labelled text/plain." };

var proofpoint = new Command("proofpoint", "Serve Proofpoint TAP's SIEM API with seeded data.")
{
    port, listen, seed, threatsPerHour, principal, secret, lookBackDays, errorRate, throttleRate, slowRate, slowMs, malformedRate, textPlainRate,
};
proofpoint.SetAction(async (parsed, cancellationToken) =>
{
    await using var simulator = await ProofpointSimulator.StartAsync(new ProofpointSimulatorOptions
    {
        Port = parsed.GetValue(port),
        ListenAddress = System.Net.IPAddress.Parse(parsed.GetValue(listen)!),
        Seed = parsed.GetValue(seed),
        ThreatsPerHour = parsed.GetValue(threatsPerHour),
        Principal = parsed.GetValue(principal)!,
        Secret = parsed.GetValue(secret)!,
        LookBackLimit = TimeSpan.FromDays(parsed.GetValue(lookBackDays)),
        Faults = new TapFaults
        {
            ErrorRate = parsed.GetValue(errorRate),
            ThrottleRate = parsed.GetValue(throttleRate),
            SlowRate = parsed.GetValue(slowRate),
            SlowMilliseconds = parsed.GetValue(slowMs),
            MalformedRate = parsed.GetValue(malformedRate),
            TextPlainRate = parsed.GetValue(textPlainRate),
        },
    }, cancellationToken);
    Console.WriteLine($"Proofpoint TAP simulator listening on {simulator.BaseUrl}");
    await simulator.WaitForShutdownAsync(cancellationToken);
    return 0;
});

var token = new Option<string>("--token") { Description = "API v2 token accepted (Netskope-Api-Token).", DefaultValueFactory = _ => "sim-v2-token" };
var v1Token = new Option<string>("--v1-token") { Description = "API v1 token accepted in file hash list bodies.", DefaultValueFactory = _ => "sim-v1-token" };
var noSwg = new Option<bool>("--no-swg") { Description = "The tenant lacks Secure Web Gateway: URL list calls answer 403." };
var noThreatProtection = new Option<bool>("--no-threat-protection") { Description = "The tenant lacks Threat Protection: file hash calls answer 403." };
var rate = new Option<int>("--requests-per-second") { Description = "Rate limit (0: none).", DefaultValueFactory = _ => 20 };
var fileHashLists = new Option<string[]>("--file-hash-lists") { Description = "Names of the tenant's custom file profiles; unset accepts any.", AllowMultipleArgumentsPerToken = true };
var netskopeErrorRate = new Option<double>("--error-rate") { Description = "Probability of a 503 per request." };
var netskopeSlowRate = new Option<double>("--slow-rate") { Description = "Probability of a slow answer per request." };
var netskopeSlowMs = new Option<int>("--slow-ms") { Description = "Delay of a slow answer.", DefaultValueFactory = _ => 5000 };

var netskope = new Command("netskope", "Serve a Netskope tenant's URL list and file hash list APIs.")
{
    port, listen, token, v1Token, noSwg, noThreatProtection, rate, fileHashLists, netskopeErrorRate, netskopeSlowRate, netskopeSlowMs,
};
netskope.SetAction(async (parsed, cancellationToken) =>
{
    var profiles = parsed.GetValue(fileHashLists);
    await using var simulator = await NetskopeSimulator.StartAsync(new NetskopeSimulatorOptions
    {
        Port = parsed.GetValue(port),
        ListenAddress = System.Net.IPAddress.Parse(parsed.GetValue(listen)!),
        Token = parsed.GetValue(token)!,
        V1Token = parsed.GetValue(v1Token)!,
        SecureWebGateway = !parsed.GetValue(noSwg),
        ThreatProtection = !parsed.GetValue(noThreatProtection),
        RequestsPerSecond = parsed.GetValue(rate),
        FileHashLists = profiles is { Length: > 0 } ? profiles : null,
        Faults = new NetskopeFaults
        {
            ErrorRate = parsed.GetValue(netskopeErrorRate),
            SlowRate = parsed.GetValue(netskopeSlowRate),
            SlowMilliseconds = parsed.GetValue(netskopeSlowMs),
        },
    }, cancellationToken);
    Console.WriteLine($"Netskope simulator listening on {simulator.BaseUrl}");
    await simulator.WaitForShutdownAsync(cancellationToken);
    return 0;
});

var root = new RootCommand("Simulators of the services ThreatExchange talks to, for demos, tests and benchmarks.") { proofpoint, netskope };
return await root.Parse(args).InvokeAsync();
