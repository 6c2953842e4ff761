using System.CommandLine;
using ThreatExchange.Host.Demo;
using ThreatExchange.Host.Offline;
using ThreatExchange.Host.Service;

var root = new RootCommand("ThreatExchange: Proofpoint TAP indicators shared to Netskope. Without a command it runs the service.")
{
    ExtractCommand.Create(), DemoCommand.Create(),
};
ServiceCommand.Configure(root);
return await root.Parse(args).InvokeAsync();
