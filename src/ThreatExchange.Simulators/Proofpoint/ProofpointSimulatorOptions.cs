namespace ThreatExchange.Simulators.Proofpoint;

/// <summary>Probabilities (0 to 1) of each injected fault per request; changeable while running through <c>POST /_sim/faults</c>.</summary>
public sealed record TapFaults
{
    public double ErrorRate { get; init; }
    public double ThrottleRate { get; init; }
    public double SlowRate { get; init; }
    public int SlowMilliseconds { get; init; } = 5_000;
    public double MalformedRate { get; init; }
    public double TextPlainRate { get; init; }
}

public sealed record ProofpointSimulatorOptions
{
    public int Port { get; init; }

    /// <summary>Loopback unless a container must be reached from its neighbours.</summary>
    public System.Net.IPAddress ListenAddress { get; init; } = System.Net.IPAddress.Loopback;
    public int Seed { get; init; } = 1;
    public int ThreatsPerHour { get; init; } = 60;
    public string Principal { get; init; } = "sim-principal";
    /// <summary>Accept every principal that presents <see cref="Secret"/>, each with its own allowance, as many tenants' credentials would.</summary>
    public bool AnyPrincipal { get; init; }
    /// <summary>With <see cref="AnyPrincipal"/>: each principal sees threats of its own, as separate customers would, not one shared feed.</summary>
    public bool DataPerPrincipal { get; init; }
    public string Secret { get; init; } = "sim-secret";
    public TimeSpan LookBackLimit { get; init; } = TimeSpan.FromDays(7);
    /// <summary>Requests per principal in a rolling 24 hours.</summary>
    public int DailyAllowance { get; init; } = 1800;
    public TimeSpan MaxIndexDelay { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>A window ending closer to now than this is "still current".</summary>
    public TimeSpan StillCurrentMargin { get; init; } = TimeSpan.FromSeconds(60);
    public TapFaults Faults { get; init; } = new();
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
