using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// Builds LEMA fine-tuning data (An et al., arXiv 2310.20689; RESEARCH.md section 4) with a reasoner and a corrector:
/// sample reasoning paths, keep the right-answer ones as CoT augmentation, send the wrong ones to the corrector, and
/// keep only corrections whose corrected final answer is right.
/// </summary>
/// <remarks>
/// <para>Per problem: one CoT row from the reference rationale. Per sampled path, in order: a null, blank or too long
/// path is dropped (<see cref="DropReason.Empty"/>, <see cref="DropReason.TooLong"/>); a repeat of an earlier path of
/// the same problem is skipped; a path without a final answer is dropped (<see cref="DropReason.NoAnswer"/>: there is
/// no mistake to point at); a path with the right answer becomes a CoT augmentation row; a path with a wrong answer is
/// a mistake and goes to the corrector.</para>
/// <para>A corrector reply is dropped when it is blank or too long, has no <c>Step k.</c>
/// (<see cref="DropReason.NoStepMarker"/>), lacks the explanation or corrected solution
/// (<see cref="DropReason.Unparsable"/>), names a step the path does not have (<see cref="DropReason.StepOutOfRange"/>),
/// or its corrected solution has no answer or a wrong one (<see cref="DropReason.NoAnswer"/>,
/// <see cref="DropReason.StillWrong"/>). A kept correction becomes the row <see cref="LemaPrompts.CorrectionInput"/>
/// (question + numbered wrong path) → <see cref="LemaPrompts.CorrectionOutput"/>: the wrong solution is never a target.
/// The corrector itself decides what it sends to its model (<see cref="ChatCorrector"/> sends P_c + question + wrong
/// path).</para>
/// <para>Malformed replies never stop the run; exceptions thrown by the reasoner or corrector do (after the rows so
/// far are written). Calls are sequential and in problem order, so a deterministic reasoner and corrector give the
/// same data every run.</para>
/// </remarks>
public sealed class LemaPipeline
{
    private readonly IReasoner _reasoner;
    private readonly ICorrector _corrector;
    private readonly LemaPipelineOptions _options;

    /// <summary>Creates the pipeline.</summary>
    /// <param name="reasoner">Samples reasoning paths.</param>
    /// <param name="corrector">Corrects wrong paths.</param>
    /// <param name="options">Settings (null: defaults).</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public LemaPipeline(IReasoner reasoner, ICorrector corrector, LemaPipelineOptions? options = null)
    {
        _reasoner = reasoner ?? throw new ArgumentNullException(nameof(reasoner));
        _corrector = corrector ?? throw new ArgumentNullException(nameof(corrector));
        _options = options ?? new LemaPipelineOptions();
        _options.Validate();
    }

    /// <summary>
    /// Runs the pipeline over <paramref name="problems"/>. With <paramref name="outputDirectory"/>, the
    /// <see cref="LemaDataset"/> files are written as rows are made, one whole flushed line at a time, and
    /// <c>statistics.json</c> at the end; a cancelled run leaves every JSONL file valid up to the last row written
    /// and a <c>statistics.json</c> with <c>"cancelled": true</c>.
    /// </summary>
    /// <param name="problems">The problems (typically the training split).</param>
    /// <param name="outputDirectory">A folder for the files (created if missing), or null.</param>
    /// <param name="progress">Reported after every reasoner call.</param>
    /// <param name="cancellationToken">Cancels between model calls.</param>
    /// <returns>The rows, dropped replies, counts and the problems that yielded corrections.</returns>
    /// <exception cref="ArgumentException">A problem is null.</exception>
    /// <exception cref="InvalidOperationException">The reasoner returned null or a list whose length differs from the
    /// number of problems it was given.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public async Task<LemaDataset> RunAsync(IReadOnlyList<ReasoningProblem> problems, string? outputDirectory = null,
        IProgress<LemaProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problems);
        for (int i = 0; i < problems.Count; i++)
            if (problems[i] is null) throw new ArgumentException($"The problem at index {i} is null.", nameof(problems));

        using var files = outputDirectory is null ? null : new LemaOutputFiles(outputDirectory);
        var run = new Run(files);
        try
        {
            for (int start = 0; start < problems.Count; start += _options.ProblemsPerReasonerCall)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var chunk = problems.Skip(start).Take(_options.ProblemsPerReasonerCall).ToArray();
                var paths = await _reasoner.SampleAsync(chunk, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"The reasoner returned null for problems {start}..{start + chunk.Length - 1}.");
                if (paths.Count != chunk.Length)
                    throw new InvalidOperationException($"The reasoner returned {paths.Count} path lists for {chunk.Length} problems (from problem {start}).");
                for (int i = 0; i < chunk.Length; i++)
                    await ProcessAsync(run, start + i, chunk[i], paths[i] ?? [], cancellationToken).ConfigureAwait(false);
                progress?.Report(new LemaProgress(start + chunk.Length, problems.Count, run.Wrong, run.Corrections.Count));
            }
        }
        catch (OperationCanceledException)
        {
            files?.Statistics(run.Statistics(), run.Seeds, cancelled: true);
            throw;
        }
        var statistics = run.Statistics();
        files?.Statistics(statistics, run.Seeds, cancelled: false);
        return new LemaDataset(run.Cot.AsReadOnly(), run.Augmented.AsReadOnly(), run.Corrections.AsReadOnly(),
            run.Dropped.AsReadOnly(), statistics, run.Seeds.AsReadOnly());
    }

    private async Task ProcessAsync(Run run, int index, ReasoningProblem problem, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        run.Problems++;
        run.AddCot(new PromptCompletion(LemaPrompts.CotInput(problem.Question), problem.Rationale));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool seeded = false;
        foreach (string? raw in paths)
        {
            run.Sampled++;
            if (Screen(raw) is { } screened)
            {
                run.Drop(new DroppedReply(index, LemaRole.Reasoner, screened.Reason, screened.Detail, DroppedReply.ExcerptOf(raw)));
                continue;
            }
            string path = raw!.Trim();
            if (!seen.Add(path))
            {
                run.Duplicates++;
                continue;
            }
            string? answer = AnswerExtraction.FinalAnswer(path, problem.Format);
            if (answer is null)
            {
                run.Drop(new DroppedReply(index, LemaRole.Reasoner, DropReason.NoAnswer, "The path has no final answer.", DroppedReply.ExcerptOf(path)));
                continue;
            }
            if (AnswerExtraction.Matches(answer, problem.Answer, problem.Format))
            {
                run.Right++;
                run.AddAugmented(new PromptCompletion(LemaPrompts.CotInput(problem.Question), path));
                continue;
            }
            run.Wrong++;
            cancellationToken.ThrowIfCancellationRequested();
            var request = new CorrectionRequest(problem, path);
            string? reply = await _corrector.CorrectAsync(request, cancellationToken).ConfigureAwait(false);
            var (correction, rejected) = Verify(problem, request, reply);
            if (correction is null)
            {
                run.Drop(new DroppedReply(index, LemaRole.Corrector, rejected!.Value.Reason, rejected.Value.Detail, DroppedReply.ExcerptOf(reply)));
                continue;
            }
            run.AddCorrection(new PromptCompletion(LemaPrompts.CorrectionInput(problem.Question, request.NumberedPath), LemaPrompts.CorrectionOutput(correction)));
            seeded = true;
        }
        if (seeded) run.Seeds.Add(index);
    }

    private (DropReason Reason, string Detail)? Screen(string? reply)
    {
        if (string.IsNullOrWhiteSpace(reply)) return (DropReason.Empty, "The reply is empty.");
        if (reply.Length > _options.MaxReplyCharacters)
            return (DropReason.TooLong, $"The reply has {reply.Length:N0} characters, more than {_options.MaxReplyCharacters:N0}.");
        return null;
    }

    /// <summary>The verified correction, or why the reply is dropped.</summary>
    private (Correction? Correction, (DropReason Reason, string Detail)? Rejected) Verify(ReasoningProblem problem, CorrectionRequest request, string? reply)
    {
        if (Screen(reply) is { } screened) return (null, screened);
        if (!CorrectionParser.TryParse(reply!, out Correction? correction, out CorrectionParseFailure failure, out string? message))
            return (null, (failure == CorrectionParseFailure.NoStepMarker ? DropReason.NoStepMarker : DropReason.Unparsable, message!));
        int steps = request.StepCount;
        if (correction.IncorrectStep > steps)
            return (null, (DropReason.StepOutOfRange, $"The correction names step {correction.IncorrectStep}; the path has {steps}."));
        string? answer = AnswerExtraction.FinalAnswer(correction.CorrectedSolution, problem.Format);
        if (answer is null) return (null, (DropReason.NoAnswer, "The corrected solution has no final answer."));
        if (!AnswerExtraction.Matches(answer, problem.Answer, problem.Format))
            return (null, (DropReason.StillWrong, $"The corrected answer is {answer}; the reference is {problem.Answer}."));
        return (correction, null);
    }

    /// <summary>The mutable state of one run.</summary>
    private sealed class Run(LemaOutputFiles? files)
    {
        public List<PromptCompletion> Cot { get; } = [];
        public List<PromptCompletion> Augmented { get; } = [];
        public List<PromptCompletion> Corrections { get; } = [];
        public List<DroppedReply> Dropped { get; } = [];
        public List<int> Seeds { get; } = [];
        public int Problems, Sampled, Duplicates, Right, Wrong;

        public void AddCot(PromptCompletion row)
        {
            Cot.Add(row);
            files?.Cot(row);
        }

        public void AddAugmented(PromptCompletion row)
        {
            Augmented.Add(row);
            files?.Augmented(row);
        }

        public void AddCorrection(PromptCompletion row)
        {
            Corrections.Add(row);
            files?.Correction(row);
        }

        public void Drop(DroppedReply dropped)
        {
            Dropped.Add(dropped);
            files?.Dropped(dropped);
        }

        public LemaStatistics Statistics() => new(Problems, Sampled, Duplicates, Right, Wrong, Corrections.Count,
            Count(LemaRole.Reasoner), Count(LemaRole.Corrector));

        private Dictionary<DropReason, int> Count(LemaRole role)
            => Dropped.Where(d => d.Role == role).GroupBy(d => d.Reason).ToDictionary(g => g.Key, g => g.Count());
    }
}
