using Reversal.Training.Objectives;
using Reversal.Training.Data.Entities;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.Tokenization;

namespace Reversal.Training.Data.Examples;

/// <summary>
/// Turns prompt/completion rows into <see cref="TokenSequence"/>s: <c>[BOS] prompt completion [EOS]</c>, with the
/// prompt length recorded (BOS included) so objectives can mask the prompt out of the loss, and, when the entities
/// are known, their token spans (<see cref="TokenSequence.EntitySpans"/>) for entity-preserving objectives.
/// </summary>
/// <remarks>
/// <para>Prompt and completion are encoded separately. A part holding entities is encoded piece by piece: the text
/// before an entity, the entity together with the whitespace before it, and so on; the tokens of an entity's piece are
/// its span. Entity boundaries are thereby token boundaries. With a word-level tokenizer the ids equal those of
/// encoding the part whole; a subword tokenizer can differ from whole-part encoding only where a token would have
/// crossed an entity boundary.</para>
/// </remarks>
public static class PromptCompletionEncoder
{
    /// <summary>Encodes one row without entity spans.</summary>
    /// <exception cref="ArgumentException">The row encodes to nothing (empty prompt and completion).</exception>
    public static TokenSequence Encode(ITokenizer tokenizer, PromptCompletion row, bool addBos = true, bool addEos = true) =>
        Encode(tokenizer, row, [], [], addBos, addEos);

    /// <summary>Encodes one row and marks the occurrences of <paramref name="entities"/> in its prompt and its completion
    /// (see <see cref="EntityLexicon.Find"/>).</summary>
    /// <exception cref="ArgumentException">The row encodes to nothing.</exception>
    public static TokenSequence Encode(ITokenizer tokenizer, PromptCompletion row, EntityLexicon entities, bool addBos = true, bool addEos = true)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(entities);
        return Encode(tokenizer, row, entities.Find(row.Prompt), entities.Find(row.Completion), addBos, addEos);
    }

    /// <summary>Encodes one row with entities a host located itself, as character spans of the prompt and of the completion.</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="row">The row.</param>
    /// <param name="promptEntities">Entity spans in <see cref="PromptCompletion.Prompt"/>: inside it, disjoint, any order.</param>
    /// <param name="completionEntities">Entity spans in <see cref="PromptCompletion.Completion"/>: inside it, disjoint, any order.</param>
    /// <param name="addBos">Prepend the tokenizer's beginning-of-sequence id.</param>
    /// <param name="addEos">Append the tokenizer's end-of-sequence id.</param>
    /// <returns>The sequence; an entity whose text encodes to no token gets no span.</returns>
    /// <exception cref="ArgumentException">The row encodes to nothing, or a span lies outside its text or overlaps another.</exception>
    public static TokenSequence Encode(ITokenizer tokenizer, PromptCompletion row, IReadOnlyList<TextSpan> promptEntities,
        IReadOnlyList<TextSpan> completionEntities, bool addBos = true, bool addEos = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(row);
        var spans = new List<TokenSpan>();
        var prompt = EncodePart(tokenizer, row.Prompt, promptEntities, nameof(promptEntities), addBos, addEos: false, 0, spans);
        var completion = EncodePart(tokenizer, row.Completion, completionEntities, nameof(completionEntities), addBos: false, addEos, prompt.Count, spans);
        if (prompt.Count + completion.Count == 0)
            throw new ArgumentException($"Row with prompt '{row.Prompt}' and completion '{row.Completion}' encodes to no tokens.", nameof(row));
        return new TokenSequence([.. prompt, .. completion], prompt.Count, spans);
    }

    /// <summary>Encodes every row; the error of a failing row names its index.</summary>
    /// <exception cref="ArgumentException">A row encodes to nothing, or there are no rows.</exception>
    public static TokenSequence[] EncodeAll(ITokenizer tokenizer, IReadOnlyList<PromptCompletion> rows, bool addBos = true, bool addEos = true) =>
        EncodeEach(rows, row => Encode(tokenizer, row, addBos, addEos));

    /// <summary>Encodes every row, marking the occurrences of <paramref name="entities"/>; the error of a failing row names its index.</summary>
    /// <exception cref="ArgumentException">A row encodes to nothing, or there are no rows.</exception>
    public static TokenSequence[] EncodeAll(ITokenizer tokenizer, IReadOnlyList<PromptCompletion> rows, EntityLexicon entities, bool addBos = true, bool addEos = true)
    {
        ArgumentNullException.ThrowIfNull(entities);
        return EncodeEach(rows, row => Encode(tokenizer, row, entities, addBos, addEos));
    }

    private static TokenSequence[] EncodeEach(IReadOnlyList<PromptCompletion> rows, Func<PromptCompletion, TokenSequence> encode)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("There are no rows to encode.", nameof(rows));
        var result = new TokenSequence[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            try { result[i] = encode(rows[i] ?? throw new ArgumentException("The row is null.", nameof(rows))); }
            catch (ArgumentException e) { throw new ArgumentException($"Row {i}: {e.Message}", nameof(rows), e); }
        }
        return result;
    }

    /// <summary>Encodes one part (prompt or completion), appending the token spans of its entities (offset by <paramref name="offset"/>) to <paramref name="spans"/>.</summary>
    private static List<int> EncodePart(ITokenizer tokenizer, string text, IReadOnlyList<TextSpan> entities, string parameter,
        bool addBos, bool addEos, int offset, List<TokenSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(entities, parameter);
        if (entities.Count == 0) return [.. tokenizer.Encode(text, addBos, addEos)];
        var sorted = entities.OrderBy(s => s.Start).ToArray();
        for (int i = 0; i < sorted.Length; i++)
        {
            if (sorted[i].Length < 1 || sorted[i].End > text.Length)
                throw new ArgumentException($"Entity span {sorted[i]} lies outside the {text.Length}-character text '{text}'.", parameter);
            if (i > 0 && sorted[i].Start < sorted[i - 1].End)
                throw new ArgumentException($"Entity spans {sorted[i - 1]} and {sorted[i]} of '{text}' overlap.", parameter);
        }
        var ids = new List<int>(tokenizer.Encode("", addBos, addEos: false));
        int next = 0;
        foreach (var entity in sorted)
        {
            int start = entity.Start;
            while (start > next && char.IsWhiteSpace(text[start - 1])) start--;
            ids.AddRange(tokenizer.Encode(text[next..start]));
            int first = ids.Count;
            ids.AddRange(tokenizer.Encode(text[start..entity.End]));
            if (ids.Count > first) spans.Add(new TokenSpan(offset + first, ids.Count - first));
            next = entity.End;
        }
        ids.AddRange(tokenizer.Encode(text[next..]));
        ids.AddRange(tokenizer.Encode("", addBos: false, addEos));
        return ids;
    }
}
