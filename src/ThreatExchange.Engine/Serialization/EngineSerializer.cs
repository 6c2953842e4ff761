using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;
using ThreatExchange.Engine.Budget;
using ThreatExchange.Engine.Sharing;
using ThreatExchange.Engine.Sources;

namespace ThreatExchange.Engine.Serialization;

/// <summary>
/// System.Text.Json with an explicit, versioned manifest per type: the journal holds names we chose, never a
/// CLR type name, so classes can move and be renamed without breaking recovery. A new message type must be
/// added here, or serializing it fails loudly rather than falling back to another format.
/// </summary>
public sealed class EngineSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly IReadOnlyDictionary<string, Type> Types = new Dictionary<string, Type>
    {
        ["source.configure.v1"] = typeof(SourceCommands.Configure),
        ["source.pause.v1"] = typeof(SourceCommands.Pause),
        ["source.resume.v1"] = typeof(SourceCommands.Resume),
        ["source.poll-now.v1"] = typeof(SourceCommands.PollNow),
        ["source.delete.v1"] = typeof(SourceCommands.Delete),
        ["source.get-status.v1"] = typeof(SourceQueries.GetStatus),
        ["source.get-configuration.v1"] = typeof(SourceQueries.GetConfiguration),
        ["source.configuration.v1"] = typeof(SourceReplies.Configuration),
        ["source.accepted.v1"] = typeof(SourceReplies.Accepted),
        ["source.rejected.v1"] = typeof(SourceReplies.Rejected),
        ["source.status.v1"] = typeof(SourceReplies.Status),
        ["source.configuration-set.v1"] = typeof(SourceEvents.ConfigurationSet),
        ["source.window-completed.v1"] = typeof(SourceEvents.WindowCompleted),
        ["source.gap-recorded.v1"] = typeof(SourceEvents.GapRecorded),
        ["source.poll-failed.v1"] = typeof(SourceEvents.PollFailed),
        ["source.paused.v1"] = typeof(SourceEvents.Paused),
        ["source.resumed.v1"] = typeof(SourceEvents.Resumed),
        ["source.deleted.v1"] = typeof(SourceEvents.Deleted),
        ["source.snapshot.v1"] = typeof(SourceSnapshot),
        ["sharing.configure.v1"] = typeof(SharingCommands.Configure),
        ["sharing.delete.v1"] = typeof(SharingCommands.Delete),
        ["sharing.get-status.v1"] = typeof(SharingQueries.GetStatus),
        ["sharing.accepted.v1"] = typeof(SharingReplies.Accepted),
        ["sharing.rejected.v1"] = typeof(SharingReplies.Rejected),
        ["sharing.status.v1"] = typeof(SharingReplies.Status),
        ["sharing.rule-set.v1"] = typeof(SharingEvents.RuleSet),
        ["sharing.batch-shared.v1"] = typeof(SharingEvents.BatchShared),
        ["sharing.push-failed.v1"] = typeof(SharingEvents.PushFailed),
        ["sharing.deleted.v1"] = typeof(SharingEvents.Deleted),
        ["directory.register-source.v1"] = typeof(DirectoryCommands.RegisterSource),
        ["directory.forget-source.v1"] = typeof(DirectoryCommands.ForgetSource),
        ["directory.set-tenant.v1"] = typeof(DirectoryCommands.SetTenant),
        ["directory.delete-tenant.v1"] = typeof(DirectoryCommands.DeleteTenant),
        ["directory.set-rule.v1"] = typeof(DirectoryCommands.SetRule),
        ["directory.delete-rule.v1"] = typeof(DirectoryCommands.DeleteRule),
        ["directory.get.v1"] = typeof(DirectoryCommands.GetDirectory),
        ["directory.listing.v1"] = typeof(DirectoryReplies.Listing),
        ["directory.source-registered.v1"] = typeof(DirectoryEvents.SourceRegistered),
        ["directory.source-forgotten.v1"] = typeof(DirectoryEvents.SourceForgotten),
        ["directory.tenant-set.v1"] = typeof(DirectoryEvents.TenantSet),
        ["directory.tenant-deleted.v1"] = typeof(DirectoryEvents.TenantDeleted),
        ["directory.rule-set.v1"] = typeof(DirectoryEvents.RuleSet),
        ["directory.rule-deleted.v1"] = typeof(DirectoryEvents.RuleDeleted),
        ["budget.acquire.v1"] = typeof(BudgetCommands.Acquire),
        ["budget.report-throttled.v1"] = typeof(BudgetCommands.ReportThrottled),
        ["budget.report-succeeded.v1"] = typeof(BudgetCommands.ReportSucceeded),
        ["budget.get-remaining.v1"] = typeof(BudgetCommands.GetRemaining),
        ["budget.granted.v1"] = typeof(BudgetReplies.Granted),
        ["budget.denied.v1"] = typeof(BudgetReplies.Denied),
        ["budget.remaining.v1"] = typeof(BudgetReplies.Remaining),
        ["budget.noted.v1"] = typeof(BudgetReplies.Noted),
        ["budget.request-spent.v1"] = typeof(BudgetEvents.RequestSpent),
        ["budget.throttled.v1"] = typeof(BudgetEvents.Throttled),
        ["budget.recovered.v1"] = typeof(BudgetEvents.Recovered),
        ["budget.snapshot.v1"] = typeof(BudgetSnapshot),
    };

    private static readonly IReadOnlyDictionary<Type, string> Manifests = Types.ToDictionary(p => p.Value, p => p.Key);

    public override string Manifest(object o) =>
        Manifests.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType().FullName} has no manifest in {nameof(EngineSerializer)}; add one.");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest) =>
        Types.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, Json) ?? throw new SerializationException($"Empty payload for {manifest}.")
            : throw new SerializationException($"Unknown manifest '{manifest}'; this node is older than the data it reads.");
}
