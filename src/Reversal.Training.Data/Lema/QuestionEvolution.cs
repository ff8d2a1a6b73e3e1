using Reversal.Training.Data.Reasoning;
using Reversal.Training.Randomness;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// LEMA's correction-centric evolution (An et al., section 2): new questions are evolved from the questions that
/// produced corrections — the moderately hard ones the reasoner gets wrong but a corrector can fix — to collect more
/// correction data; <see cref="RandomSeeds"/> gives the baseline of evolving randomly chosen questions.
/// </summary>
public static class QuestionEvolution
{
    /// <summary>The problems with at least one kept correction (<see cref="LemaDataset.ProblemsWithCorrections"/>).</summary>
    /// <param name="problems">The problems the pipeline ran on.</param>
    /// <param name="data">The pipeline's result for them.</param>
    /// <exception cref="ArgumentException">An index of <paramref name="data"/> is outside <paramref name="problems"/>.</exception>
    public static IReadOnlyList<ReasoningProblem> CorrectionCentricSeeds(IReadOnlyList<ReasoningProblem> problems, LemaDataset data)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(data);
        return data.ProblemsWithCorrections.Select(i => (uint)i < (uint)problems.Count
            ? problems[i]
            : throw new ArgumentException($"The data names problem {i}, but there are {problems.Count} problems: pass the problems the pipeline ran on.", nameof(data))).ToArray();
    }

    /// <summary><paramref name="count"/> problems chosen uniformly without repetition from <paramref name="problems"/>
    /// (all of them when there are fewer), deterministic by <paramref name="seed"/>.</summary>
    public static IReadOnlyList<ReasoningProblem> RandomSeeds(IReadOnlyList<ReasoningProblem> problems, int count, long seed)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var indices = new SeededRandom(seed).SampleIndices(problems.Count, Math.Min(count, problems.Count));
        return indices.Select(i => problems[i]).ToArray();
    }

    /// <summary>
    /// Evolves <paramref name="count"/> new problems: the seed problems are shuffled by <paramref name="seed"/> and
    /// taken in turn (cycling when there are fewer seeds than <paramref name="count"/>); call i passes the evolver a
    /// seed derived from (<paramref name="seed"/>, i). A result whose question repeats a seed, an earlier result or
    /// <paramref name="excludedQuestions"/> is rejected; at most <c>3 × count</c> calls are made. Deterministic for a
    /// deterministic evolver.
    /// </summary>
    /// <param name="evolver">Writes one new problem from a seed problem.</param>
    /// <param name="seeds">The seed problems (none: nothing is evolved).</param>
    /// <param name="count">Problems wanted.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="excludedQuestions">Questions never to produce (e.g. the test split's).</param>
    /// <param name="cancellationToken">Cancels between calls.</param>
    /// <exception cref="ArgumentException">A seed problem is null.</exception>
    public static async Task<EvolutionResult> EvolveAsync(IQuestionEvolver evolver, IReadOnlyList<ReasoningProblem> seeds, int count, long seed,
        IReadOnlySet<string>? excludedQuestions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evolver);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        for (int i = 0; i < seeds.Count; i++)
            if (seeds[i] is null) throw new ArgumentException($"Seed problem {i} is null.", nameof(seeds));
        var order = Enumerable.Range(0, seeds.Count).ToArray();
        new SeededRandom(seed).Shuffle(order.AsSpan());
        var known = new HashSet<string>(seeds.Select(s => s.Question), StringComparer.Ordinal);
        if (excludedQuestions is not null) known.UnionWith(excludedQuestions);
        var evolved = new List<ReasoningProblem>(count);
        var used = new HashSet<int>();
        int failed = 0, rejected = 0;
        for (int call = 0; seeds.Count > 0 && evolved.Count < count && call < 3 * count; call++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int which = order[call % order.Length];
            ReasoningProblem? problem = await evolver.EvolveAsync(seeds[which], StableHash.Combine(seed, $"evolve:{call}"), cancellationToken).ConfigureAwait(false);
            if (problem is null) { failed++; continue; }
            if (!known.Add(problem.Question)) { rejected++; continue; }
            evolved.Add(problem);
            used.Add(which);
        }
        return new EvolutionResult(evolved.AsReadOnly(), used.Count, failed, rejected);
    }
}
