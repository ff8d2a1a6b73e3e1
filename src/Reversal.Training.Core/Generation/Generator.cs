using Reversal.Training.Models;
using Reversal.Training.Randomness;

namespace Reversal.Training.Generation;

/// <summary>
/// Autoregressive decoding with a KV cache (no grad): the prompt is fed once, then one token per step; one prompt, or a
/// batch of ragged prompts decoded together (left-padded, padding invisible), each row exactly as it would decode alone.
/// </summary>
public static class Generator
{
    /// <summary>Generates a continuation of <paramref name="prompt"/>; returns only the new tokens.</summary>
    /// <exception cref="ArgumentException">The prompt is empty, holds an id outside the vocabulary, or prompt + new tokens exceed the context.</exception>
    public static int[] Generate(ICausalLanguageModel model, ReadOnlySpan<int> prompt, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (prompt.IsEmpty) throw new ArgumentException("Generation needs a non-empty prompt (e.g. the BOS token).", nameof(prompt));
        int context = model.ContextLength;
        if (prompt.Length > context)
            throw new ArgumentException($"The prompt has {prompt.Length} tokens, more than the model's context of {context}.", nameof(prompt));
        int budget = Math.Min(options.MaxNewTokens, context - prompt.Length);
        var generated = new List<int>(budget);
        if (budget == 0) return [];
        using var session = model.StartDecoding(1, Math.Min(context, prompt.Length + budget));
        var random = new SeededRandom(options.Seed);
        float[] logits = session.Append(prompt);
        for (int i = 0; i < budget; i++)
        {
            int next = options.Temperature == 0 ? ArgMax(logits) : Sample(logits, options.Temperature, options.TopK, random);
            generated.Add(next);
            if (options.StopTokens.Contains(next) || i == budget - 1) break;
            logits = session.Append([next]);
        }
        return generated.ToArray();
    }

    /// <summary>
    /// Generates a continuation of every prompt of <paramref name="prompts"/>, <paramref name="batchSize"/> rows per
    /// decoding session; returns only the new tokens, in input order. Row i decodes exactly as
    /// <c>Generate(model, prompts[i], options with { Seed = seeds[i] })</c> would (the same tokens, bit for bit):
    /// prompts are left-padded with entries the session neither caches nor positions, and each row keeps its own
    /// sampler, budget and stop. (Bit-identity holds when the model computes each row independently of the others, as
    /// our engine does; an engine whose kernels depend on the batch may differ by float rounding.)
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="prompts">The prompts (each non-empty, within the context).</param>
    /// <param name="options">Budget, temperature, top-k and stop tokens shared by every row.</param>
    /// <param name="seeds">Per-row sampler seeds (null: every row uses <see cref="GenerationOptions.Seed"/>).</param>
    /// <param name="batchSize">Rows decoded together (≥ 1).</param>
    /// <param name="maxNewTokens">Per-row budgets (each ≥ 0), replacing <see cref="GenerationOptions.MaxNewTokens"/>
    /// row by row (null: every row uses the options' budget).</param>
    /// <exception cref="ArgumentException">A prompt is empty, too long or holds an id outside the vocabulary, or
    /// <paramref name="seeds"/> or <paramref name="maxNewTokens"/> does not have one entry per prompt, or a budget is
    /// negative; the message names the prompt.</exception>
    public static int[][] Generate(ICausalLanguageModel model, IReadOnlyList<int[]> prompts, GenerationOptions options,
        IReadOnlyList<long>? seeds = null, int batchSize = 32, IReadOnlyList<int>? maxNewTokens = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        options.Validate();
        if (seeds is not null && seeds.Count != prompts.Count)
            throw new ArgumentException($"{seeds.Count} seeds for {prompts.Count} prompts.", nameof(seeds));
        if (maxNewTokens is not null && maxNewTokens.Count != prompts.Count)
            throw new ArgumentException($"{maxNewTokens.Count} budgets for {prompts.Count} prompts.", nameof(maxNewTokens));
        for (int i = 0; maxNewTokens is not null && i < maxNewTokens.Count; i++)
            if (maxNewTokens[i] < 0) throw new ArgumentException($"Prompt {i} has a negative budget of {maxNewTokens[i]} new tokens.", nameof(maxNewTokens));
        int context = model.ContextLength;
        for (int i = 0; i < prompts.Count; i++)
        {
            var prompt = prompts[i] ?? throw new ArgumentException($"Prompt {i} is null.", nameof(prompts));
            if (prompt.Length == 0) throw new ArgumentException($"Prompt {i} is empty; generation needs at least one token (e.g. BOS).", nameof(prompts));
            if (prompt.Length > context)
                throw new ArgumentException($"Prompt {i} has {prompt.Length} tokens, more than the model's context of {context}.", nameof(prompts));
            for (int j = 0; j < prompt.Length; j++)
                if ((uint)prompt[j] >= (uint)model.VocabSize)
                    throw new ArgumentException($"Prompt {i}: token id {prompt[j]} at position {j} is outside the vocabulary [0, {model.VocabSize}).", nameof(prompts));
        }
        var results = new int[prompts.Count][];
        for (int start = 0; start < prompts.Count; start += batchSize)
        {
            int rows = Math.Min(batchSize, prompts.Count - start);
            GenerateBatch(model, prompts, start, rows, options, seeds, maxNewTokens, results);
        }
        return results;
    }

    private static void GenerateBatch(ICausalLanguageModel model, IReadOnlyList<int[]> prompts, int start, int rows,
        GenerationOptions options, IReadOnlyList<long>? seeds, IReadOnlyList<int>? maxNewTokens, int[][] results)
    {
        int context = model.ContextLength, vocab = model.VocabSize;
        var budgets = new int[rows];
        var generated = new List<int>[rows];
        var random = new SeededRandom[rows];
        var done = new bool[rows];
        int longest = 0, capacity = 1;
        for (int r = 0; r < rows; r++)
        {
            int length = prompts[start + r].Length;
            budgets[r] = Math.Min(maxNewTokens?[start + r] ?? options.MaxNewTokens, context - length);
            generated[r] = new List<int>(budgets[r]);
            random[r] = new SeededRandom(seeds?[start + r] ?? options.Seed);
            done[r] = budgets[r] == 0;
            longest = Math.Max(longest, length);
            capacity = Math.Max(capacity, Math.Min(context, length + budgets[r]));
        }
        if (done.All(d => d))
        {
            for (int r = 0; r < rows; r++) results[start + r] = [];
            return;
        }
        using var session = model.StartDecoding(rows, capacity);
        // Left padding: each prompt ends in the last column, so every row's next-token logits come back together.
        var ids = new int[rows * longest];
        var keep = new bool[rows * longest];
        for (int r = 0; r < rows; r++)
        {
            var prompt = prompts[start + r];
            int pad = longest - prompt.Length;
            prompt.CopyTo(ids, r * longest + pad);
            keep.AsSpan(r * longest + pad, prompt.Length).Fill(true);
        }
        float[] logits = session.Append(ids, keep);
        var step = new int[rows];
        var stepKeep = new bool[rows];
        while (true)
        {
            bool any = false;
            for (int r = 0; r < rows; r++)
            {
                stepKeep[r] = false;
                if (done[r]) continue;
                var row = logits.AsSpan(r * vocab, vocab);
                int next = options.Temperature == 0 ? ArgMax(row) : Sample(row.ToArray(), options.Temperature, options.TopK, random[r]);
                generated[r].Add(next);
                if (options.StopTokens.Contains(next) || generated[r].Count == budgets[r]) { done[r] = true; continue; }
                step[r] = next;
                stepKeep[r] = true;
                any = true;
            }
            if (!any) break;
            logits = session.Append(step, stepKeep);
        }
        for (int r = 0; r < rows; r++) results[start + r] = [.. generated[r]];
    }

    /// <summary>Index of the largest logit (the lowest index among ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private static int Sample(float[] logits, float temperature, int topK, SeededRandom random)
    {
        int n = logits.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        int keep = topK > 0 ? Math.Min(topK, n) : n;
        if (keep < n) Array.Sort(order, (a, b) => logits[b].CompareTo(logits[a]) is var c && c != 0 ? c : a.CompareTo(b));
        float max = float.NegativeInfinity;
        for (int i = 0; i < keep; i++) max = Math.Max(max, logits[order[i]]);
        var weights = new double[keep];
        double total = 0;
        for (int i = 0; i < keep; i++) total += weights[i] = Math.Exp((logits[order[i]] - max) / temperature);
        double u = random.NextDouble() * total;
        for (int i = 0; i < keep; i++)
        {
            u -= weights[i];
            if (u < 0) return order[i];
        }
        return order[keep - 1];
    }
}
