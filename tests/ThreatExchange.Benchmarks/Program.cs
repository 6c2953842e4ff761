using BenchmarkDotNet.Running;
using ThreatExchange.Benchmarks;

if (args is ["requests"])
    return await RequestCount.RunAsync();
if (args is ["sharing", ..])
    return await SharingHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5000);
if (args is ["engine", ..])
    return await EngineHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000);
BenchmarkSwitcher.FromAssembly(typeof(ExtractionBenchmarks).Assembly).Run(args);
return 0;
