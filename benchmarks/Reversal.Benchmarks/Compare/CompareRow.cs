using System.Text.Json.Serialization;

namespace Reversal.Benchmarks.Compare;

/// <summary>One line of compare.json: our figure, the peer's, the unit, and ratio &gt; 1 when we are better.</summary>
public sealed record CompareRow(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("ours")] double Ours,
    [property: JsonPropertyName("peer")] double? Peer,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("ratio")] double? Ratio)
{
    /// <summary>A row where a larger value is better (throughput): ratio = ours / peer.</summary>
    public static CompareRow HigherIsBetter(string name, double ours, double? peer, string unit) =>
        new(name, ours, peer, unit, peer is double p && p > 0 ? ours / p : null);

    /// <summary>A row where a smaller value is better (time, memory): ratio = peer / ours.</summary>
    public static CompareRow LowerIsBetter(string name, double ours, double? peer, string unit) =>
        new(name, ours, peer, unit, peer is double p && ours > 0 ? p / ours : null);
}
