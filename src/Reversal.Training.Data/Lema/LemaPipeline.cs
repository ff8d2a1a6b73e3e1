using Reversal.Training.Data.Jsonl;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// Builds LEMA fine-tuning data (RESEARCH.md section 4) from GSM8K problems with a host-supplied reasoner and
/// corrector (a trained model behind a lambda, an API client, ...): sample reasoning paths, keep the wrong ones,
/// ask the corrector, keep only corrections whose corrected final answer is right.
/// </summary>
/// <remarks>
/// Per problem: one CoT row from the reference solution (always). Per sampled path: its final answer is taken with
/// <see cref="AnswerExtraction.Gsm8kFinalAnswer"/> and compared with the reference by
/// <see cref="AnswerExtraction.AnswersMatch"/>; a right path is skipped. A wrong (or answerless) path is numbered
/// with <see cref="LemaPrompts.NumberSteps"/> and put into <see cref="LemaPrompts.CorrectionInput"/>; that text is
/// passed to the corrector (a host using the few-shot file may prepend it) and is also the prompt of the kept row,
/// whose completion is <see cref="LemaPrompts.CorrectionOutput"/> — the wrong solution is never a target.
/// Callbacks are invoked sequentially, in problem and path order.
/// </remarks>
public sealed class LemaPipeline
{
    private readonly Func<string, IReadOnlyList<string>> _sampleReasoning;
    private readonly Func<string, string> _correct;

    /// <summary>Creates the pipeline.</summary>
    /// <param name="sampleReasoning">Given a question, returns the reasoning paths sampled for it (each ending, when
    /// the reasoner follows the CoT format, with <c>The answer is N.</c>). <see cref="LemaPrompts.CotInput"/> builds
    /// the matching model prompt.</param>
    /// <param name="correct">Given a correction prompt (<see cref="LemaPrompts.CorrectionInput"/>), returns the
    /// corrector's output, parsed by <see cref="CorrectionParser.Parse"/>.</param>
    public LemaPipeline(Func<string, IReadOnlyList<string>> sampleReasoning, Func<string, string> correct)
    {
        _sampleReasoning = sampleReasoning ?? throw new ArgumentNullException(nameof(sampleReasoning));
        _correct = correct ?? throw new ArgumentNullException(nameof(correct));
    }

    /// <summary>Runs the pipeline over <paramref name="problems"/>.</summary>
    /// <param name="problems">The GSM8K problems.</param>
    /// <returns>The CoT and correction rows, the counts and the problems that yielded corrections.</returns>
    /// <exception cref="ArgumentException">A problem is null.</exception>
    /// <exception cref="FormatException">A problem's reference solution has no <c>#### N</c>.</exception>
    /// <exception cref="InvalidOperationException">A callback returned null (or a null path).</exception>
    public LemaDataset Build(IReadOnlyList<Gsm8kProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var cotRows = new List<PromptCompletion>(problems.Count);
        var correctionRows = new List<PromptCompletion>();
        var seeds = new List<int>();
        int sampled = 0, wrong = 0, kept = 0, unparsable = 0, stillWrong = 0;

        for (int index = 0; index < problems.Count; index++)
        {
            Gsm8kProblem problem = problems[index]
                ?? throw new ArgumentException($"The problem at index {index} is null.", nameof(problems));
            string reference = AnswerExtraction.ReferenceAnswer(problem.Answer);
            cotRows.Add(LemaPrompts.CotRow(problem));

            IReadOnlyList<string> paths = _sampleReasoning(problem.Question)
                ?? throw new InvalidOperationException($"The reasoner returned null for problem {index}.");
            bool seed = false;
            foreach (string path in paths)
            {
                if (path is null) throw new InvalidOperationException($"The reasoner returned a null path for problem {index}.");
                sampled++;
                if (AnswerExtraction.AnswersMatch(AnswerExtraction.Gsm8kFinalAnswer(path), reference)) continue;
                wrong++;

                string prompt = LemaPrompts.CorrectionInput(problem.Question, LemaPrompts.NumberSteps(path));
                string output = _correct(prompt)
                    ?? throw new InvalidOperationException($"The corrector returned null for problem {index}.");
                Correction correction;
                try
                {
                    correction = CorrectionParser.Parse(output);
                }
                catch (FormatException)
                {
                    unparsable++;
                    continue;
                }

                if (!AnswerExtraction.AnswersMatch(AnswerExtraction.Gsm8kFinalAnswer(correction.CorrectedSolution), reference))
                {
                    stillWrong++;
                    continue;
                }

                kept++;
                correctionRows.Add(new PromptCompletion(prompt, LemaPrompts.CorrectionOutput(correction)));
                seed = true;
            }
            if (seed) seeds.Add(index);
        }

        var statistics = new LemaStatistics(problems.Count, sampled, wrong, kept, unparsable, stillWrong);
        return new LemaDataset(cotRows.AsReadOnly(), correctionRows.AsReadOnly(), statistics, seeds.AsReadOnly());
    }
}
