using Reversal.Training.Randomness;

namespace Reversal.ReverseModelling.Corpus;

/// <summary>Makes degraded copies of natural text, reproducibly from a seeded random stream.</summary>
internal sealed class Degrader(SeededRandom random, IReadOnlyList<string> vocabulary)
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyz";

    /// <summary>The text degraded by <paramref name="kind"/> (words are whitespace-separated tokens).</summary>
    public string Apply(string text, Degradation kind)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count < 4) return text;
        switch (kind)
        {
            case Degradation.ShuffledWords:
                for (int i = words.Count - 1; i > 0; i--)
                {
                    int j = random.NextInt(i + 1);
                    (words[i], words[j]) = (words[j], words[i]);
                }
                break;
            case Degradation.Typos:
                for (int i = 0; i < words.Count; i++)
                    if (random.NextDouble() < 0.35) words[i] = Typo(words[i]);
                break;
            case Degradation.RepeatedSpan:
            {
                int length = Math.Min(words.Count, 3 + random.NextInt(6));
                int start = random.NextInt(words.Count - length + 1);
                var span = words.GetRange(start, length);
                for (int r = 0; r < 3; r++) words.InsertRange(start + length, span);
                break;
            }
            case Degradation.GarbledSpan:
            {
                int length = Math.Max(2, words.Count / 2);
                int start = random.NextInt(words.Count - length + 1);
                for (int i = start; i < start + length; i++) words[i] = vocabulary[random.NextInt(vocabulary.Count)];
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown degradation.");
        }
        return string.Join(' ', words);
    }

    private string Typo(string word)
    {
        if (word.Length < 2) return word + Letters[random.NextInt(Letters.Length)];
        int at = random.NextInt(word.Length - 1);
        char letter = Letters[random.NextInt(Letters.Length)];
        return random.NextInt(4) switch
        {
            0 => string.Concat(word.AsSpan(0, at), word[at + 1].ToString(), word[at].ToString(), word.AsSpan(at + 2)),
            1 => word.Remove(at, 1),
            2 => word.Insert(at, letter.ToString()),
            _ => string.Concat(word.AsSpan(0, at), letter.ToString(), word.AsSpan(at + 1)),
        };
    }
}
