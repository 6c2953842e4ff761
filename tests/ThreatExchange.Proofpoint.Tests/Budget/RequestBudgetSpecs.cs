using ThreatExchange.Proofpoint.Budget;

namespace ThreatExchange.Proofpoint.Tests.Budget;

public sealed class RequestBudgetSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);

    private static RequestBudget Spend(RequestBudget budget, DateTimeOffset at) =>
        Assert.IsType<BudgetDecision.Granted>(budget.TryAcquire(at)).Budget;

    [Fact]
    public void The_default_allowance_is_proofpoints_1800_a_day() =>
        Assert.Equal(1800, new RequestBudget().Remaining(T0));

    [Fact]
    public void Requests_are_granted_until_the_allowance_is_spent_then_denied_until_the_oldest_ages_out()
    {
        var budget = RequestBudget.WithAllowance(3);
        budget = Spend(budget, T0);
        budget = Spend(budget, T0.AddHours(1));
        budget = Spend(budget, T0.AddHours(2));
        Assert.Equal(0, budget.Remaining(T0.AddHours(3)));

        var denied = Assert.IsType<BudgetDecision.Denied>(budget.TryAcquire(T0.AddHours(3)));
        Assert.Equal(T0.AddHours(24), denied.NextAllowedAt);
        Assert.Contains("3 requests of the last 24 hours are spent", denied.Reason, StringComparison.Ordinal);

        Assert.Equal(1, budget.Remaining(T0.AddHours(24)));
        Spend(budget, T0.AddHours(24));
    }

    [Fact]
    public void A_429_blocks_requests_with_a_back_off_that_grows_and_is_capped()
    {
        var budget = new RequestBudget().Throttled(T0, retryAfter: null);
        Assert.Equal(T0.AddMinutes(5), Assert.IsType<BudgetDecision.Denied>(budget.TryAcquire(T0.AddMinutes(4))).NextAllowedAt);
        Spend(budget, T0.AddMinutes(5));

        budget = budget.Throttled(T0.AddMinutes(5), null);
        Assert.Equal(T0.AddMinutes(15), budget.ThrottledUntil);
        budget = budget.Throttled(T0.AddMinutes(15), null);
        Assert.Equal(T0.AddMinutes(35), budget.ThrottledUntil);

        for (var i = 0; i < 20; i++)
            budget = budget.Throttled(T0, null);
        Assert.Equal(T0.AddHours(6), budget.ThrottledUntil);
    }

    [Fact]
    public void A_longer_retry_after_is_honoured_and_a_shorter_one_does_not_shorten_the_back_off()
    {
        Assert.Equal(T0.AddHours(2), new RequestBudget().Throttled(T0, TimeSpan.FromHours(2)).ThrottledUntil);
        Assert.Equal(T0.AddMinutes(5), new RequestBudget().Throttled(T0, TimeSpan.FromSeconds(10)).ThrottledUntil);
    }

    [Fact]
    public void A_success_after_throttling_starts_the_back_off_afresh()
    {
        var budget = new RequestBudget().Throttled(T0, null).Throttled(T0, null).Succeeded();
        Assert.Null(budget.ThrottledUntil);
        Assert.Equal(T0.AddMinutes(5), budget.Throttled(T0, null).ThrottledUntil);
    }

    [Fact]
    public void A_credential_is_its_principal_and_base_url()
    {
        Assert.Equal(BudgetKey.For("sp", "https://TAP-API-V2.proofpoint.com/"), BudgetKey.For("sp", "https://tap-api-v2.proofpoint.com"));
        Assert.NotEqual(BudgetKey.For("sp", "https://a.zz"), BudgetKey.For("other", "https://a.zz"));
    }
}
