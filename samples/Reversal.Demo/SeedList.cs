using System.Globalization;

namespace Reversal.Demo;

/// <summary>Parses <c>--seeds</c>: one integer or a comma-separated list of distinct integers.</summary>
internal static class SeedList
{
    /// <exception cref="FormatException">The text is empty, holds something that is not an integer, or repeats a seed.</exception>
    public static IReadOnlyList<int> Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new FormatException("--seeds needs at least one integer, e.g. 1 or 1,2,3.");
        var seeds = new List<int>(parts.Length);
        foreach (string part in parts)
        {
            if (!int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed))
                throw new FormatException($"--seeds: '{part}' is not an integer.");
            if (seeds.Contains(seed)) throw new FormatException($"--seeds: seed {seed} is listed twice.");
            seeds.Add(seed);
        }
        return seeds;
    }
}
