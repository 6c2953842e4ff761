using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ThreatExchange.Benchmarks.ExtractionBenchmarks).Assembly).Run(args);
