using System.Text.Json;
using Reversal.Training.Data.Tokenization.Json;
using Reversal.Training.Data.Tokenization.Patterns;

namespace Reversal.Training.Data.Tokenization.PreTokenizers;

/// <summary>
/// The <c>Split</c> pre-tokenizer: cuts text at the matches of <see cref="Pattern"/> and keeps, drops or merges the
/// matches according to <see cref="Behavior"/>; with <see cref="Invert"/> the roles of matches and the text between
/// them are swapped. Semantics follow the Rust implementation.
/// </summary>
internal sealed class SplitPreTokenizer(TextPattern pattern, SplitBehavior behavior, bool invert) : PreTokenizer
{
    /// <summary>Where to cut (<c>"pattern"</c>).</summary>
    public TextPattern Pattern { get; } = pattern;

    /// <summary>What happens to matches (<c>"behavior"</c>).</summary>
    public SplitBehavior Behavior { get; } = behavior;

    /// <summary>Treat the text between matches as the matches (<c>"invert"</c>).</summary>
    public bool Invert { get; } = invert;

    /// <summary>Reads <c>{"type": "Split", "pattern": ..., "behavior": ..., "invert": ...}</c>.</summary>
    public static SplitPreTokenizer Read(JsonElement element, JsonScope scope)
    {
        TextPattern pattern = TextPattern.Read(element, scope, "pattern");
        string behaviorName = scope.RequiredString(element, "behavior");
        if (!Enum.GetNames<SplitBehavior>().Contains(behaviorName, StringComparer.Ordinal)
            || !Enum.TryParse(behaviorName, ignoreCase: false, out SplitBehavior behavior))
            throw scope.Child("behavior").Error(
                $"unsupported split behavior \"{behaviorName}\" (supported: {string.Join(", ", Enum.GetNames<SplitBehavior>())})");
        return new SplitPreTokenizer(pattern, behavior, scope.OptionalBool(element, "invert") ?? false);
    }

    /// <inheritdoc />
    public override void PreTokenize(in PreTokenizedPiece piece, List<PreTokenizedPiece> pieces, bool trace)
    {
        string text = piece.Text;
        var matches = new List<(int Start, int Length)>();
        Pattern.FindMatches(text, matches);

        // Every part of the text, in order, flagged as match or not (after inversion).
        var parts = new List<(int Start, int End, bool IsMatch)>(matches.Count * 2 + 1);
        int position = 0;
        foreach ((int start, int length) in matches)
        {
            if (start > position) parts.Add((position, start, Invert));
            parts.Add((start, start + length, !Invert));
            position = start + length;
        }
        if (position < text.Length) parts.Add((position, text.Length, Invert));

        var kept = new List<(int Start, int End)>(parts.Count);
        switch (Behavior)
        {
            case SplitBehavior.Removed:
                foreach (var part in parts)
                    if (!part.IsMatch) kept.Add((part.Start, part.End));
                break;
            case SplitBehavior.Isolated:
                foreach (var part in parts) kept.Add((part.Start, part.End));
                break;
            case SplitBehavior.MergedWithPrevious:
                {
                    bool previousMatch = false;
                    foreach (var part in parts)
                    {
                        if (part.IsMatch && !previousMatch && kept.Count > 0) kept[^1] = (kept[^1].Start, part.End);
                        else kept.Add((part.Start, part.End));
                        previousMatch = part.IsMatch;
                    }
                    break;
                }
            case SplitBehavior.MergedWithNext:
                {
                    bool previousMatch = false;
                    for (int i = parts.Count - 1; i >= 0; i--)
                    {
                        var part = parts[i];
                        if (part.IsMatch && !previousMatch && kept.Count > 0) kept[^1] = (part.Start, kept[^1].End);
                        else kept.Add((part.Start, part.End));
                        previousMatch = part.IsMatch;
                    }
                    kept.Reverse();
                    break;
                }
            case SplitBehavior.Contiguous:
                {
                    bool previousMatch = false;
                    foreach (var part in parts)
                    {
                        if (part.IsMatch == previousMatch && kept.Count > 0) kept[^1] = (kept[^1].Start, part.End);
                        else kept.Add((part.Start, part.End));
                        previousMatch = part.IsMatch;
                    }
                    break;
                }
        }
        foreach ((int start, int end) in kept)
            if (end > start) pieces.Add(piece.Slice(start, end - start));
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Split");
        Pattern.Write(writer, "pattern");
        writer.WriteString("behavior", Behavior.ToString());
        writer.WriteBoolean("invert", Invert);
        writer.WriteEndObject();
    }
}
