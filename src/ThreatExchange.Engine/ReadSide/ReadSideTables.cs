using LinqToDB.Mapping;

namespace ThreatExchange.Engine.ReadSide;

/// <summary>One row per IoC value across all sources: what the Threat IoCs page lists.</summary>
[Table("ioc_catalog")]
public sealed class CatalogRow
{
    [PrimaryKey, Column("value", Length = 2048), NotNull] public string Value { get; set; } = "";
    [Column("type", Length = 16), NotNull] public string Type { get; set; } = "";
    [Column("status", Length = 16), NotNull] public string Status { get; set; } = "";
    [Column("classification", Length = 16), NotNull] public string Classification { get; set; } = "";
    [Column("first_seen"), NotNull] public DateTimeOffset FirstSeen { get; set; }
    [Column("last_seen"), NotNull] public DateTimeOffset LastSeen { get; set; }
    [Column("sightings"), NotNull] public int Sightings { get; set; }
    /// <summary>Source names, comma-separated and sorted.</summary>
    [Column("sources", Length = 4000), NotNull] public string Sources { get; set; } = "";
    /// <summary><c>rule@time</c> entries, comma-separated, for the rules whose lists hold it now.</summary>
    [Column("shared_with", Length = 4000), NotNull] public string SharedWith { get; set; } = "";
}

/// <summary>What happened, per configuration: what the Logging page lists.</summary>
[Table("audit_log")]
public sealed class AuditRow
{
    [PrimaryKey, Identity, Column("id")] public long Id { get; set; }
    [Column("at"), NotNull] public DateTimeOffset At { get; set; }
    [Column("configuration", Length = 200), NotNull] public string Configuration { get; set; } = "";
    [Column("kind", Length = 40), NotNull] public string Kind { get; set; } = "";
    [Column("level", Length = 10), NotNull] public string Level { get; set; } = "";
    [Column("message", Length = 4000), NotNull] public string Message { get; set; } = "";
}

/// <summary>How far a projection has read the journal, written in the same transaction as its rows.</summary>
[Table("projection_offset")]
public sealed class ProjectionOffsetRow
{
    [PrimaryKey, Column("name", Length = 100), NotNull] public string Name { get; set; } = "";
    [Column("offset"), NotNull] public long Offset { get; set; }
}
