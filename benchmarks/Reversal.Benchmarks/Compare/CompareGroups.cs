namespace Reversal.Benchmarks.Compare;

/// <summary>The compare command's measurement groups (what <c>--rows</c> selects), in the order they run.</summary>
public static class CompareGroups
{
    /// <summary>Group names.</summary>
    public const string Train = "train", Attention = "attention", Gemm = "gemm", Limit = "limit", Long = "long", Busy = "busy", Decode = "decode", Profile = "profile";

    /// <summary>Every group, in running order.</summary>
    public static IReadOnlyList<string> All { get; } = [Train, Attention, Gemm, Limit, Long, Busy, Decode, Profile];

    /// <summary>
    /// Parses a comma-separated list of group names (case-insensitive, blanks ignored; <c>all</c> stands for every
    /// group). Returns false with a message naming the unknown entries, or for a list without any group.
    /// </summary>
    public static bool TryParse(string? text, out IReadOnlySet<string> groups, out string? error)
    {
        var names = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant()).ToList();
        var unknown = names.Where(n => n != "all" && !All.Contains(n)).ToList();
        groups = names.Contains("all") ? All.ToHashSet() : names.Where(All.Contains).ToHashSet();
        error = unknown.Count > 0 ? $"unknown group {string.Join(", ", unknown.Select(n => $"'{n}'"))}"
            : groups.Count == 0 ? "no group given"
            : null;
        if (error is not null) error += $" (known: {string.Join(", ", All)}, or all).";
        return error is null;
    }
}
