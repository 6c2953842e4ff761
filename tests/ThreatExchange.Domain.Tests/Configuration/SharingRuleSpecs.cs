using ThreatExchange.Domain.Configuration;
using ThreatExchange.Domain.Secrets;

namespace ThreatExchange.Domain.Tests.Configuration;

public sealed class SharingRuleSpecs
{
    private static readonly TenantConfiguration Prod = new()
    {
        Name = "prod", TenantUrl = "https://acme.goskope.com", V2Token = new Secret("v2"), V1Token = new Secret("v1"),
        UrlListName = "urls", FileHashListName = "hashes",
    };

    private static readonly TenantConfiguration UrlsOnly = Prod with { Name = "dev", V1Token = null, FileHashListName = null };

    private static SharingContext Context(params SharingRule[] otherRules) => new(["tap"], [Prod, UrlsOnly], otherRules);

    private static SharingRule Valid() => new() { Name = "tap-to-prod", Source = "tap", Tenant = "prod" };

    private static ValidationError SingleError(SharingRule rule, SharingContext? context = null) =>
        Assert.Single(rule.Validate(context ?? Context()));

    [Fact]
    public void A_rule_shares_active_iocs_of_every_type_to_both_lists_by_default()
    {
        Assert.Empty(Valid().Validate(Context()));
        Assert.Equal(["active"], Valid().Statuses);
        Assert.Equal(["url-list", "file-hash-list"], Valid().Actions);
        Assert.Equal(90, Valid().MaxAgeDays);
    }

    [Fact]
    public void Sharing_file_hashes_needs_a_v1_token()
    {
        var errors = (Valid() with { Tenant = "dev" }).Validate(Context());
        Assert.Contains(new ValidationError("actions", "A V1 token is required to share file hashes."), errors);
        Assert.Empty((Valid() with { Tenant = "dev", Actions = ["url-list"] }).Validate(Context()));
    }

    [Fact]
    public void Sharing_to_a_proofpoint_source_is_not_supported() =>
        Assert.Equal(new ValidationError("tenant", "Sharing IoCs to Proofpoint is not supported."),
            SingleError(Valid() with { Tenant = "tap" }));

    [Fact]
    public void A_tenant_may_share_its_name_with_a_source()
    {
        var context = new SharingContext(["prod"], [Prod], []);
        Assert.Empty((Valid() with { Source = "prod" }).Validate(context));
    }

    [Fact]
    public void The_source_and_tenant_must_exist()
    {
        var errors = (Valid() with { Source = "nope", Tenant = "ghost" }).Validate(Context());
        Assert.Equal(
            [
                new ValidationError("source", "Plugin Configuration 'nope' does not exist."),
                new ValidationError("tenant", "Plugin Configuration to Share 'ghost' does not exist."),
            ],
            errors);
    }

    [Fact]
    public void Source_and_tenant_are_required()
    {
        var errors = (Valid() with { Source = "", Tenant = "" }).Validate(Context());
        Assert.Equal(["Plugin Configuration is a required configuration parameter.", "Plugin Configuration to Share is a required configuration parameter."],
            errors.Select(e => e.Message));
    }

    [Fact]
    public void Filters_must_use_known_names()
    {
        var errors = (Valid() with { IocTypes = ["url", "sha256", "hostname"], Statuses = ["expired"], Classifications = ["worm"] }).Validate(Context());
        Assert.Equal(["iocTypes", "statuses", "classifications"], errors.Select(e => e.Field));
    }

    [Fact]
    public void Actions_are_required_and_known()
    {
        Assert.Equal("Actions must name at least one of url-list, file-hash-list.", SingleError(Valid() with { Actions = [] }).Message);
        Assert.Equal("actions", SingleError(Valid() with { Actions = ["email"] }).Field);
        Assert.Equal("Threat Status(es) must name at least one of active, cleared, falsePositive.", SingleError(Valid() with { Statuses = [] }).Message);
    }

    [Fact]
    public void An_action_must_be_able_to_carry_one_of_the_selected_types() =>
        Assert.Equal(new ValidationError("iocTypes", "IoC Types select no type that the file-hash-list action can share."),
            SingleError(Valid() with { IocTypes = ["url", "domain"] }));

    [Fact]
    public void A_list_is_the_target_of_one_rule_only()
    {
        var existing = Valid() with { Name = "older", Actions = ["url-list"] };
        Assert.Equal(new ValidationError("actions", "The URL list 'urls' of tenant 'prod' is already the target of sharing rule 'older'."),
            SingleError(Valid(), Context(existing)));
        Assert.Empty((Valid() with { Actions = ["file-hash-list"] }).Validate(Context(existing)));
        Assert.Empty(Valid().Validate(Context(Valid())));
    }

    [Fact]
    public void A_file_hash_action_needs_a_list_name_on_the_tenant()
    {
        var context = new SharingContext(["tap"], [Prod with { FileHashListName = null }], []);
        Assert.Equal("Tenant 'prod' has no File Hash List Name to share file hashes to.",
            SingleError(Valid() with { Actions = ["file-hash-list"] }, context).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(366)]
    public void The_maximum_age_is_1_to_365_days(int days) =>
        Assert.Equal("Maximum Age (in days) must be an integer in range 1 to 365.", SingleError(Valid() with { MaxAgeDays = days }).Message);
}
