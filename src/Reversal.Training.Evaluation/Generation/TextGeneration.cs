using Reversal.Training.Data.Tokenization;
using Reversal.Training.Generation;
using Reversal.Training.Models;

namespace Reversal.Training.Evaluation.Generation;

/// <summary>
/// Text in, text out over any <see cref="ICausalLanguageModel"/>: prompts are encoded (<c>[BOS] prompt</c>), decoded
/// together by the batched, seeded <see cref="Generator"/> with the KV cache, cut at EOS and decoded back to text.
/// </summary>
public static class TextGeneration
{
    /// <summary>
    /// Completes every prompt. Row i decodes exactly as it would alone with seed <c>seeds[i]</c> (see
    /// <see cref="Generator.Generate(ICausalLanguageModel, IReadOnlyList{int[]}, GenerationOptions, IReadOnlyList{long}?, int, IReadOnlyList{int}?)"/>),
    /// so results do not depend on <paramref name="batchSize"/>. Generation stops at the tokenizer's EOS (added to
    /// <paramref name="options"/>' stop tokens); special tokens are left out of the text.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="prompts">The prompt texts.</param>
    /// <param name="options">Budget, temperature (0: greedy), top-k.</param>
    /// <param name="seeds">Per-prompt sampler seeds (null: <see cref="GenerationOptions.Seed"/> for all).</param>
    /// <param name="batchSize">Prompts decoded together.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The completion of each prompt, or null for a prompt that leaves no room in the model's context.</returns>
    /// <exception cref="ArgumentException">A prompt is null, or <paramref name="seeds"/> does not have one entry per prompt.</exception>
    public static IReadOnlyList<string?> Complete(ICausalLanguageModel model, ITokenizer tokenizer, IReadOnlyList<string> prompts,
        GenerationOptions options, IReadOnlyList<long>? seeds = null, int batchSize = 32, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (seeds is not null && seeds.Count != prompts.Count)
            throw new ArgumentException($"{seeds.Count} seeds for {prompts.Count} prompts.", nameof(seeds));
        int eos = tokenizer.SpecialTokens.Eos;
        var stopping = options with { StopTokens = [.. options.StopTokens.Append(eos).Distinct()] };
        var fits = new List<int>(prompts.Count);
        var encoded = new List<int[]>(prompts.Count);
        for (int i = 0; i < prompts.Count; i++)
        {
            string prompt = prompts[i] ?? throw new ArgumentException($"Prompt {i} is null.", nameof(prompts));
            int[] ids = tokenizer.Encode(prompt, addBos: true);
            if (ids.Length >= model.ContextLength) continue;
            fits.Add(i);
            encoded.Add(ids);
        }
        var results = new string?[prompts.Count];
        for (int start = 0; start < encoded.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, encoded.Count - start);
            var batch = encoded.GetRange(start, count);
            long[]? batchSeeds = seeds is null ? null : fits.GetRange(start, count).Select(i => seeds[i]).ToArray();
            int[][] generated = Generator.Generate(model, batch, stopping, batchSeeds, batchSize);
            for (int r = 0; r < count; r++)
            {
                int[] ids = generated[r];
                int end = Array.IndexOf(ids, eos);
                results[fits[start + r]] = tokenizer.Decode(end < 0 ? ids : ids.AsSpan(0, end));
            }
        }
        return results;
    }
}
