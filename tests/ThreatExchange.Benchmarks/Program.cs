using BenchmarkDotNet.Running;
using ThreatExchange.Benchmarks;

if (args is ["requests"])
    return await RequestCount.RunAsync();
BenchmarkSwitcher.FromAssembly(typeof(ExtractionBenchmarks).Assembly).Run(args);
return 0;
