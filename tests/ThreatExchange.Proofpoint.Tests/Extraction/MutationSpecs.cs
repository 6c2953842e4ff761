using ThreatExchange.Proofpoint.Extraction;

namespace ThreatExchange.Proofpoint.Tests.Extraction;

/// <summary>Damaged responses must give IoCs or a malformed-response error, never any other exception.</summary>
public sealed class MutationSpecs
{
    private const int Mutations = 1_000;

    [Fact]
    public async Task A_thousand_random_mutations_of_the_fixtures_never_throw_anything_else()
    {
        var random = new Random(20261204);
        var samples = SharedFixtures.AllFiles().Select(File.ReadAllBytes).ToArray();
        var outcomes = new Dictionary<string, int> { ["read"] = 0, ["malformed"] = 0 };
        for (var i = 0; i < Mutations; i++)
        {
            var mutated = Mutate(samples[random.Next(samples.Length)], random);
            try
            {
                var atOnce = new IocExtractor().Extract(mutated);
                var streamed = await new IocExtractor().ExtractAsync(new TrickleStream(mutated, chunk: 1 + random.Next(64)));
                Assert.Equal(atOnce.Iocs.Count, streamed.Iocs.Count);
                Assert.All(atOnce.Iocs, ioc => Assert.Empty(ioc.Validate()));
                outcomes["read"]++;
            }
            catch (MalformedResponseException)
            {
                outcomes["malformed"]++;
            }
        }
        Assert.Equal(Mutations, outcomes.Values.Sum());
        Assert.True(outcomes["read"] > 100, $"Too few mutations stayed readable ({outcomes["read"]}) to exercise skipping.");
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.RemoveAt(at); break;
                case 2: bytes.Insert(at, (byte)"{}[],:\"0an"[random.Next(10)]); break;
                case 3: bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(40))); break;
                case 4: ReplaceValue(bytes, at, random); break;
                default: bytes.InsertRange(at, "null,"u8.ToArray()); break;
            }
        }
        return bytes.ToArray();
    }

    /// <summary>Swaps the string after a position for another JSON value, the drift Proofpoint's schema shows.</summary>
    private static void ReplaceValue(List<byte> bytes, int at, Random random)
    {
        var quote = bytes.IndexOf((byte)'"', at);
        if (quote < 0)
            return;
        var end = bytes.IndexOf((byte)'"', quote + 1);
        if (end < 0)
            return;
        string[] replacements = ["null", "42", "0.0", "true", "[]", "{}", "\"\"", "[\"a\",\"b\"]", "\"2026-13-45T99:00:00Z\""];
        bytes.RemoveRange(quote, end - quote + 1);
        bytes.InsertRange(quote, System.Text.Encoding.UTF8.GetBytes(replacements[random.Next(replacements.Length)]));
    }
}
