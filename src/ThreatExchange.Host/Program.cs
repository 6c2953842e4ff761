using System.CommandLine;
using ThreatExchange.Host.Demo;
using ThreatExchange.Host.Offline;

var root = new RootCommand("ThreatExchange: Proofpoint TAP indicators shared to Netskope.") { ExtractCommand.Create(), DemoCommand.Create() };
return await root.Parse(args).InvokeAsync();
