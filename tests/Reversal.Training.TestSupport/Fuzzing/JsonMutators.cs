using System.Text;

namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>Mutations that know JSON's tokens: extreme values, lone surrogates in strings, deep nesting, repeated and removed keys.</summary>
public static class JsonMutators
{
    /// <summary>Replaces a random value (string, number or literal) by an extreme value.</summary>
    public static Mutator ExtremeValue { get; } = new("extreme value", (input, random, _) =>
    {
        var values = JsonToken.Scan(input).Where(t => t.IsValue).ToList();
        if (values.Count == 0) return input;
        return Replace(input, values[random.Next(values.Count)], ExtremeJsonValues.Bytes(ExtremeJsonValues.All[random.Next(ExtremeJsonValues.All.Count)]));
    });

    /// <summary>Replaces a random number by an extreme number.</summary>
    public static Mutator ExtremeNumber { get; } = new("extreme number", (input, random, _) =>
    {
        var numbers = JsonToken.Scan(input).Where(t => t.Kind == JsonTokenKind.Number).ToList();
        var extremes = ExtremeJsonValues.All.Where(v => v.Length > 0 && (char.IsDigit(v[0]) || v[0] == '-')).ToList();
        if (numbers.Count == 0) return input;
        return Replace(input, numbers[random.Next(numbers.Count)], ExtremeJsonValues.Bytes(extremes[random.Next(extremes.Count)]));
    });

    /// <summary>Puts a lone surrogate escape (or a broken escape) inside a random string or key.</summary>
    public static Mutator BadEscape { get; } = new("bad escape", (input, random, _) =>
    {
        string[] escapes = ["\\ud800", "\\udc00", "\\udbff\\u0041", "\\u12", "\\x41", "\\", "\\ud800\\ud800"];
        var strings = JsonToken.Scan(input).Where(t => t.Kind is JsonTokenKind.String or JsonTokenKind.Key).ToList();
        int at = strings.Count == 0 ? random.Next(input.Length + 1) : strings[random.Next(strings.Count)].Start + 1;
        return [.. input.AsSpan(0, at), .. Encoding.ASCII.GetBytes(escapes[random.Next(escapes.Length)]), .. input.AsSpan(at)];
    });

    /// <summary>Replaces a random value by arrays or objects nested 10 to 100,000 deep.</summary>
    public static Mutator DeepNesting { get; } = new("deep nesting", (input, random, _) =>
    {
        var values = JsonToken.Scan(input).Where(t => t.IsValue).ToList();
        int depth = new[] { 10, 63, 64, 65, 1_000, 100_000 }[random.Next(6)];
        string nested = random.Next(2) == 0
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"k\":", depth)) + "0" + new string('}', depth);
        var token = values.Count == 0 ? new JsonToken(random.Next(input.Length + 1), 0, JsonTokenKind.Literal) : values[random.Next(values.Count)];
        return Replace(input, token, Encoding.ASCII.GetBytes(nested));
    });

    /// <summary>Inserts a copy of a random key with a value before that key, so the object repeats it.</summary>
    public static Mutator RepeatKey { get; } = new("repeat key", (input, random, _) =>
    {
        var keys = JsonToken.Scan(input).Where(t => t.Kind == JsonTokenKind.Key).ToList();
        if (keys.Count == 0) return input;
        var key = keys[random.Next(keys.Count)];
        byte[] value = ExtremeJsonValues.Bytes(ExtremeJsonValues.All[random.Next(ExtremeJsonValues.All.Count)]);
        return [.. input.AsSpan(0, key.Start), .. input.AsSpan(key.Start, key.Length), (byte)':', .. value, (byte)',', .. input.AsSpan(key.Start)];
    });

    /// <summary>Removes a random key with everything up to the next comma or closing brace.</summary>
    public static Mutator RemoveMember { get; } = new("remove member", (input, random, _) =>
    {
        var tokens = JsonToken.Scan(input);
        var keys = tokens.Select((t, i) => (t, i)).Where(x => x.t.Kind == JsonTokenKind.Key).ToList();
        if (keys.Count == 0) return input;
        var (key, index) = keys[random.Next(keys.Count)];
        int depth = 0, end = input.Length;
        for (int i = index + 1; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind != JsonTokenKind.Punctuation) continue;
            byte b = input[t.Start];
            if (b is (byte)'{' or (byte)'[') depth++;
            else if (b is (byte)'}' or (byte)']')
            {
                if (depth-- == 0) { end = t.Start; break; }
            }
            else if (b == (byte)',' && depth == 0) { end = t.End; break; }
        }
        return [.. input.AsSpan(0, key.Start), .. input.AsSpan(end)];
    });

    /// <summary>Replaces a random value by the same value of another JSON type.</summary>
    public static Mutator ChangeType { get; } = new("change type", (input, random, _) =>
    {
        string[] others = ["null", "true", "0", "\"0\"", "[]", "{}", "[0]", "{\"0\":0}"];
        var values = JsonToken.Scan(input).Where(t => t.IsValue || t.Kind == JsonTokenKind.Punctuation && input[t.Start] is (byte)'{' or (byte)'[').ToList();
        if (values.Count == 0) return input;
        return Replace(input, values[random.Next(values.Count)], Encoding.ASCII.GetBytes(others[random.Next(others.Length)]));
    });

    /// <summary>The JSON-aware mutations.</summary>
    public static IReadOnlyList<Mutator> All { get; } = [ExtremeValue, ExtremeNumber, BadEscape, DeepNesting, RepeatKey, RemoveMember, ChangeType];

    /// <summary>The JSON-aware and byte-level mutations together: what a JSON file is fuzzed with.</summary>
    public static IReadOnlyList<Mutator> WithByteMutators { get; } = [.. All, .. ByteMutators.All];

    /// <summary>
    /// The systematic pass: every value of <paramref name="input"/> replaced, in turn, by every extreme value (so every
    /// field of every file meets every extreme at least once), in file order. Each input is made only when asked for.
    /// </summary>
    public static IEnumerable<SystematicInput> EveryValueAtEveryExtreme(byte[] input)
    {
        foreach (var token in JsonToken.Scan(input).Where(t => t.IsValue))
            foreach (string extreme in ExtremeJsonValues.All)
                yield return new SystematicInput($"value at byte {token.Start} := {Shorten(extreme)}", () => Replace(input, token, ExtremeJsonValues.Bytes(extreme)));
    }

    internal static byte[] Replace(byte[] input, JsonToken token, byte[] replacement) =>
        [.. input.AsSpan(0, token.Start), .. replacement, .. input.AsSpan(token.End)];

    private static string Shorten(string value) => value.Length <= 24 ? value : value[..12] + $"…({value.Length} chars)";
}
