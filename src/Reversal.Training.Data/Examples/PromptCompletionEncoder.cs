using Reversal.Training.Objectives;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.Tokenization;

namespace Reversal.Training.Data.Examples;

/// <summary>
/// Turns prompt/completion rows into <see cref="TokenSequence"/>s: <c>[BOS] prompt completion [EOS]</c>, with the
/// prompt length recorded (BOS included) so objectives can mask the prompt out of the loss.
/// </summary>
public static class PromptCompletionEncoder
{
    /// <summary>Encodes one row.</summary>
    /// <exception cref="ArgumentException">The row encodes to nothing (empty prompt and completion).</exception>
    public static TokenSequence Encode(ITokenizer tokenizer, PromptCompletion row, bool addBos = true, bool addEos = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(row);
        var prompt = tokenizer.Encode(row.Prompt, addBos: addBos, addEos: false);
        var completion = tokenizer.Encode(row.Completion, addBos: false, addEos: addEos);
        if (prompt.Length + completion.Length == 0)
            throw new ArgumentException($"Row with prompt '{row.Prompt}' and completion '{row.Completion}' encodes to no tokens.", nameof(row));
        return new TokenSequence([.. prompt, .. completion], prompt.Length);
    }

    /// <summary>Encodes every row; the error of a failing row names its index.</summary>
    /// <exception cref="ArgumentException">A row encodes to nothing, or there are no rows.</exception>
    public static TokenSequence[] EncodeAll(ITokenizer tokenizer, IReadOnlyList<PromptCompletion> rows, bool addBos = true, bool addEos = true)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("There are no rows to encode.", nameof(rows));
        var result = new TokenSequence[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            try { result[i] = Encode(tokenizer, rows[i], addBos, addEos); }
            catch (ArgumentException e) { throw new ArgumentException($"Row {i}: {e.Message}", nameof(rows), e); }
        }
        return result;
    }
}
