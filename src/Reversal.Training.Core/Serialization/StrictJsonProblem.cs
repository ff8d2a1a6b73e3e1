namespace Reversal.Training.Serialization;

/// <summary>
/// What <see cref="StrictJson"/> found wrong with a JSON text, and where: the caller turns it into its own typed
/// exception (naming its file, line or tensor) so that only that exception leaves its loader.
/// </summary>
public sealed class StrictJsonProblem
{
    internal StrictJsonProblem(StrictJsonProblemKind kind, string problem, long byteOffset, long line, long column, IReadOnlyList<string> path)
    {
        Kind = kind;
        Problem = problem;
        ByteOffset = byteOffset;
        Line = line;
        Column = column;
        Path = path;
    }

    /// <summary>The rule that was broken.</summary>
    public StrictJsonProblemKind Kind { get; }

    /// <summary>What is wrong, without the position: <c>"not valid UTF-8 (byte 0xC3 does not start a valid sequence)"</c>,
    /// <c>"the key 'dtype' appears more than once"</c>.</summary>
    public string Problem { get; }

    /// <summary>0-based offset, in the bytes that were parsed, of the byte where the problem starts.</summary>
    public long ByteOffset { get; }

    /// <summary>1-based line of <see cref="ByteOffset"/> (lines end at <c>\n</c>).</summary>
    public long Line { get; }

    /// <summary>1-based column of <see cref="ByteOffset"/> within its line, in bytes.</summary>
    public long Column { get; }

    /// <summary>
    /// The keys (and <c>[i]</c> array positions) from the root to the problem; for <see cref="StrictJsonProblemKind.DuplicateKey"/>
    /// the repeated key is the last one. Empty for a problem at the root, for invalid UTF-8 and for a syntax error (whose
    /// place in a structure that does not parse is not meaningful: <see cref="ByteOffset"/> locates it).
    /// </summary>
    public IReadOnlyList<string> Path { get; }

    /// <summary><see cref="Path"/> as text, keys joined by <c>.</c> (<c>weight_map.model.norm.weight</c>, <c>a[2].b</c>), or null when empty.</summary>
    public string? PathText => Path.Count == 0 ? null : FormatPath(Path);

    /// <summary>The problem and its position: <c>"{Problem} at byte {ByteOffset}"</c>, with line and column when past the first line.</summary>
    public string Description => Line > 1
        ? $"{Problem} at byte {ByteOffset} (line {Line}, column {Column})"
        : $"{Problem} at byte {ByteOffset}";

    /// <inheritdoc />
    public override string ToString() => PathText is { } path ? $"{path}: {Description}" : Description;

    internal static string FormatPath(IReadOnlyList<string> path)
    {
        var text = new System.Text.StringBuilder();
        foreach (string segment in path)
        {
            if (text.Length > 0 && !segment.StartsWith('[')) text.Append('.');
            text.Append(segment);
        }
        return text.ToString();
    }
}
