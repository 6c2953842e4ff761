using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using ThreatExchange.Engine.ReadSide;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Engine.Sources;

namespace ThreatExchange.Host.Service;

/// <summary>The answer to one <c>pbm</c> command: its lines, and the exit code the client returns.</summary>
public sealed record PbmAnswer(int ExitCode, IReadOnlyList<string> Lines);

/// <summary>
/// The command palette behind <c>pbm</c>: Petabridge.Cmd's command names and line formats for the cluster and
/// sharding, plus the <c>te</c> palette for sources, IoCs, tenants, sharing and the audit log.
/// </summary>
public sealed class PbmCommands(ActorSystem system, IRequiredActor<SourceRegion> sources, IRequiredActor<DirectoryRegion> directory,
    IRequiredActor<SharingRegion> sharing, ReadSideStore readSide, SourceStatusReader reader)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static readonly IReadOnlyList<string> Help =
    [
        "actor system", "actor hierarchy [-d DEPTH] [-s PATH]", "cluster show", "cluster status", "cluster leader", "cluster leave [ADDRESS]",
        "cluster join ADDRESS", "cluster down ADDRESS", "cluster down-unreachable", "cluster tail", "cluster-sharding regions", "cluster-sharding region-stats -r TYPE", "cluster-sharding shard-stats -r TYPE",
        "log peek [-n N]", "log set-level LEVEL",
        "te sources", "te source NAME", "te poll NAME", "te pause NAME", "te resume NAME", "te gaps NAME",
        "te iocs [--type T] [--status S] [--source NAME] [-n N]", "te tenants", "te sharing", "te audit [NAME] [-n N]",
        "every command also takes --json",
    ];

    public async Task<PbmAnswer> ExecuteAsync(IReadOnlyList<string> args)
    {
        var json = args.Contains("--json");
        var words = args.Where(a => a != "--json").ToList();
        try
        {
            var result = await Run(words);
            return result is null
                ? new PbmAnswer(1, [$"Unknown command '{string.Join(' ', words)}'. Commands:", .. Help])
                : new PbmAnswer(0, json ? [JsonSerializer.Serialize(result.Value.Data, Json)] : result.Value.Lines);
        }
        catch (Exception e) when (e is AskTimeoutException or InvalidOperationException or FormatException)
        {
            return new PbmAnswer(2, [e.Message]);
        }
    }

    private async Task<(object Data, IReadOnlyList<string> Lines)?> Run(List<string> words)
    {
        var cluster = Cluster.Get(system);
        switch (words)
        {
            case ["help"]:
                return (Help, Help);
            case ["actor", "system"]:
                return (new { system.Name, address = cluster.SelfAddress.ToString(), uptime = system.Uptime }, [$"{system.Name} at {cluster.SelfAddress}, up {system.Uptime:hh\\:mm\\:ss}"]);
            case ["cluster", "show"]:
            {
                var members = cluster.State.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).ToList();
                var unreachable = cluster.State.Unreachable;
                var lines = members.Select(m => $"{m.Address} | [{string.Join(",", m.Roles)}] | {m.Status} | {(unreachable.Contains(m) ? "Unreachable" : "Reachable")}").ToList();
                lines.Add($"Count: {members.Count} nodes");
                return (members.Select(m => new { address = m.Address.ToString(), roles = m.Roles, status = m.Status.ToString(), reachable = !unreachable.Contains(m) }), lines);
            }
            case ["actor", "hierarchy", ..]:
            {
                var depth = int.Parse(Option(words, "-d") ?? "3", CultureInfo.InvariantCulture);
                var lines = new List<string>();
                await Walk(Option(words, "-s") ?? "/user", depth, 0, lines);
                return (lines, lines);
            }
            case ["cluster", "leave"]:
                cluster.Leave(cluster.SelfAddress);
                return (new { leaving = cluster.SelfAddress.ToString() }, [$"{cluster.SelfAddress} is leaving the cluster."]);
            case ["cluster", "leave", var address]:
                cluster.Leave(Address.Parse(address));
                return (new { leaving = address }, [$"{address} is leaving the cluster."]);
            case ["cluster", "join", var address]:
                cluster.Join(Address.Parse(address));
                return (new { joining = address }, [$"Joining {address}."]);
            case ["cluster", "down", var address]:
                cluster.Down(Address.Parse(address));
                return (new { downed = address }, [$"{address} is marked down."]);
            case ["cluster", "down-unreachable"]:
            {
                var unreachable = cluster.State.Unreachable.Select(m => m.Address).ToList();
                foreach (var address in unreachable)
                    cluster.Down(address);
                var lines = unreachable.Select(a => $"{a} is marked down.").DefaultIfEmpty("No unreachable members.").ToList();
                return (unreachable.Select(a => a.ToString()), lines);
            }
            case ["log", "peek", ..]:
            {
                var lines = RingBufferLogger.Last(int.Parse(Option(words, "-n") ?? "20", CultureInfo.InvariantCulture));
                return (lines, lines);
            }
            case ["log", "set-level", var level]:
            {
                var parsed = level.ToUpperInvariant() switch
                {
                    "DEBUG" => Akka.Event.LogLevel.DebugLevel,
                    "INFO" => Akka.Event.LogLevel.InfoLevel,
                    "WARNING" => Akka.Event.LogLevel.WarningLevel,
                    "ERROR" => Akka.Event.LogLevel.ErrorLevel,
                    _ => throw new FormatException($"'{level}' is not a log level; use DEBUG, INFO, WARNING or ERROR."),
                };
                system.EventStream.SetLogLevel(parsed);
                return (new { level = parsed.ToString() }, [$"Log level set to {level.ToUpperInvariant()}."]);
            }
            case ["cluster", "status"]:
                return (new { status = cluster.SelfMember.Status.ToString() }, [$"{cluster.SelfAddress} | {cluster.SelfMember.Status}"]);
            case ["cluster", "leader"]:
                return (new { leader = cluster.State.Leader?.ToString() }, [cluster.State.Leader?.ToString() ?? "none"]);
            case ["cluster-sharding", "regions"]:
            {
                var regions = ClusterSharding.Get(system).ShardTypeNames.Order(StringComparer.Ordinal).ToList();
                return (regions, regions);
            }
            case ["cluster-sharding", "shard-stats", "-r", var type]:
            {
                var stats = await ShardingStats.PerNodeAsync(system, type);
                var rows = stats.SelectMany(node => node.Value.Stats.Select(shard => new { address = node.Key.ToString(), shard = shard.Key, entities = shard.Value }))
                    .OrderBy(r => r.address, StringComparer.Ordinal).ThenBy(r => r.shard, StringComparer.Ordinal).ToList();
                var lines = rows.Select(r => $"{r.address} | shard {r.shard} | entities: {r.entities}").ToList();
                return (rows, lines.DefaultIfEmpty($"No shards of {type} in the cluster.").ToList());
            }
            case ["cluster-sharding", "region-stats", "-r", var type]:
            {
                // Every member's region, as the coordinator's view of the cluster: where the sources of each node live.
                var stats = await ShardingStats.PerNodeAsync(system, type);
                var members = cluster.State.Members.ToDictionary(m => m.Address);
                var rows = stats.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal).Select(node =>
                {
                    var member = members.GetValueOrDefault(node.Key);
                    return new
                    {
                        address = node.Key.ToString(), roles = member?.Roles.ToArray() ?? [], status = member?.Status.ToString() ?? "Removed",
                        shards = node.Value.Stats.Count, entities = node.Value.Stats.Values.Sum(),
                    };
                }).ToList();
                var lines = rows.Select(r => $"{r.address} | [{string.Join(",", r.roles)}] | {r.status} | shards: {r.shards} | entities: {r.entities}").ToList();
                return (rows, lines);
            }
            case ["te", "sources"]:
            {
                var statuses = await SourceStatuses();
                return (statuses, statuses.Select(SourceLine).DefaultIfEmpty("No sources.").ToList());
            }
            case ["te", "source", var name]:
            {
                var status = await reader.ReadAsync(name) ?? throw new InvalidOperationException($"No source named '{name}'.");
                return (status, [SourceLine(status), $"  gaps: {status.Gaps} | known IoCs: {status.KnownIocs} | windows completed: {status.WindowsCompleted} | last error: {status.LastError ?? "none"}"]);
            }
            case ["te", var verb, var name] when verb is "poll" or "pause" or "resume":
            {
                ISourceMessage message = verb switch { "poll" => new SourceCommands.PollNow(name), "pause" => new SourceCommands.Pause(name), _ => new SourceCommands.Resume(name) };
                await sources.ActorRef.Ask<ISourceReply>(message, Ask);
                var status = await reader.ReadAsync(name) ?? throw new InvalidOperationException($"No source named '{name}'.");
                return (status, [SourceLine(status)]);
            }
            case ["te", "gaps", var name]:
            {
                var gaps = await readSide.QueryAuditAsync(new AuditQuery(Configuration: name, Limit: 1000));
                var lines = gaps.Where(a => a.Kind == "gap").Select(a => $"{a.At:u} | {a.Message}").ToList();
                return (lines, lines.DefaultIfEmpty("No gaps.").ToList());
            }
            case ["te", "iocs", ..]:
            {
                var page = await readSide.QueryCatalogAsync(new CatalogQuery(
                    Type: Option(words, "--type"), Status: Option(words, "--status"), Source: Option(words, "--source"),
                    Limit: int.Parse(Option(words, "-n") ?? "20", CultureInfo.InvariantCulture)));
                var lines = page.Items.Select(r => $"{r.Type} | {r.Value} | {r.Status} | {r.Classification} | last seen {r.LastSeen:u} | x{r.Sightings} | {r.Sources}").ToList();
                lines.Add($"Count: {page.Items.Count} of {page.Total}");
                return (page, lines);
            }
            case ["te", "tenants"]:
            {
                var listing = await directory.ActorRef.Ask<DirectoryReplies.Listing>(new DirectoryCommands.GetDirectory(), Ask);
                var tenants = listing.Tenants.Select(t => new { t.Name, t.TenantUrl, t.UrlListName, t.FileHashListName }).ToList();
                return (tenants, tenants.Select(t => $"{t.Name} | {t.TenantUrl} | url list: {t.UrlListName} | file hash list: {t.FileHashListName ?? "none"}").DefaultIfEmpty("No tenants.").ToList());
            }
            case ["te", "sharing"]:
            {
                var listing = await directory.ActorRef.Ask<DirectoryReplies.Listing>(new DirectoryCommands.GetDirectory(), Ask);
                var rules = new List<(string Rule, string Line)>();
                foreach (var rule in listing.Rules)
                {
                    var status = await sharing.ActorRef.Ask<SharingReplies.Status>(new SharingQueries.GetStatus(rule.Name), Ask);
                    rules.Add((rule.Name, $"{rule.Name} | {rule.Source} -> {rule.Tenant} | url list: {status.UrlListCount} | file hashes: {status.FileHashCount} | last push: {status.LastPushAt?.ToString("u", CultureInfo.InvariantCulture) ?? "never"} | last error: {status.LastError ?? "none"}"));
                }
                return (rules.Select(r => r.Line), rules.Select(r => r.Line).DefaultIfEmpty("No sharing rules.").ToList());
            }
            case ["te", "audit", ..]:
            {
                var name = words.Count > 2 && !words[2].StartsWith('-') ? words[2] : null;
                var entries = await readSide.QueryAuditAsync(new AuditQuery(Configuration: name, Limit: int.Parse(Option(words, "-n") ?? "20", CultureInfo.InvariantCulture)));
                return (entries, entries.Select(a => $"{a.At:u} | {a.Configuration} | {a.Level} | {a.Kind} | {a.Message}").DefaultIfEmpty("No entries.").ToList());
            }
            default:
                return null;
        }
    }

    /// <summary>Lists the children of a path by asking every one of them to identify itself, down to a depth.</summary>
    private async Task Walk(string path, int depth, int level, List<string> lines)
    {
        if (level >= depth)
            return;
        var selection = system.ActorSelection(path.TrimEnd('/') + "/*");
        var collector = system.ActorOf(Props.Create(() => new IdentityCollector()));
        var children = await collector.Ask<List<IActorRef>>(new IdentityCollector.Collect(selection, TimeSpan.FromMilliseconds(300)), Ask);
        foreach (var child in children.OrderBy(c => c.Path.ToString(), StringComparer.Ordinal))
        {
            lines.Add(new string(' ', level * 2) + child.Path.ToStringWithoutAddress());
            await Walk(child.Path.ToStringWithoutAddress(), depth, level + 1, lines);
        }
    }

    /// <summary>Sends <see cref="Identify"/> to a selection and answers with every actor that replied within the wait.</summary>
    private sealed class IdentityCollector : ReceiveActor, IWithTimers
    {
        public ITimerScheduler Timers { get; set; } = null!;

        public sealed record Collect(ActorSelection Selection, TimeSpan Wait);

        private sealed record Done;

        public IdentityCollector()
        {
            var found = new List<IActorRef>();
            IActorRef? replyTo = null;
            Receive<Collect>(c =>
            {
                replyTo = Sender;
                c.Selection.Tell(new Identify(null), Self);
                Timers.StartSingleTimer("done", new Done(), c.Wait);
            });
            Receive<ActorIdentity>(identity =>
            {
                if (identity.Subject is { } subject)
                    found.Add(subject);
            });
            Receive<Done>(_ =>
            {
                replyTo?.Tell(found.ToList());
                Context.Stop(Self);
            });
        }
    }

    private async Task<IReadOnlyList<SourceView>> SourceStatuses()
    {
        var listing = await directory.ActorRef.Ask<DirectoryReplies.Listing>(new DirectoryCommands.GetDirectory(), Ask);
        return await reader.ReadAllAsync(listing.Sources);
    }

    private static string SourceLine(SourceView s) =>
        $"{s.SourceName} | {(s.Paused ? "paused" : "polling")} | checkpoint {s.Checkpoint?.ToString("u", CultureInfo.InvariantCulture) ?? "none"} | lag {(s.Lag is { } lag ? $"{lag.TotalSeconds:0} s" : "-")} | windows behind {s.WindowsBehind} | budget left {s.BudgetLeft?.ToString(CultureInfo.InvariantCulture) ?? "-"} | last error: {s.LastError ?? "none"}";

    private static string? Option(List<string> words, string name)
    {
        var at = words.IndexOf(name);
        return at >= 0 && at + 1 < words.Count ? words[at + 1] : null;
    }
}
