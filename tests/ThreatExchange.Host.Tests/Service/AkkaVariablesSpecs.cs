using Akka.Configuration;
using ThreatExchange.Host.Service;

namespace ThreatExchange.Host.Tests.Service;

public sealed class AkkaVariablesSpecs
{
    [Fact]
    public void Te_akka_variables_become_akka_settings_with_double_underscores_as_dots()
    {
        var hocon = ServiceCommand.AkkaFromVariables([
            ("TE_AKKA__remote__dot-netty__tcp__port", "4053"),
            ("TE_AKKA__cluster__roles", "poller"),
            ("TE_AKKA__loglevel", "DEBUG \"quoted\""),
            ("TE_API_URL", "ignored"),
            ("TE_AKKA__", "ignored"),
        ]);
        var config = ConfigurationFactory.ParseString(hocon);
        Assert.Equal(4053, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal("poller", config.GetString("akka.cluster.roles"));
        Assert.Equal("DEBUG \"quoted\"", config.GetString("akka.loglevel"));
        Assert.DoesNotContain("ignored", hocon, StringComparison.Ordinal);
    }
}
