using System.Globalization;
using Reversal.Training.Data.Lema;
using Reversal.Training.Randomness;

namespace Reversal.Training.Data.Reasoning;

/// <summary>
/// A correction prompt P_c for the built-in task, written by this library (no third-party text): our instruction and
/// demonstrations made from generated problems with one wrong calculation each, corrected by
/// <see cref="ArithmeticCorrector"/>. Use it to ask an LLM corrector (<see cref="ChatCorrector"/>) about the built-in
/// task.
/// </summary>
public static class ArithmeticCorrectionPrompt
{
    /// <summary>The instruction that opens the prompt.</summary>
    public const string Instruction =
        "Each original solution below contains a mistake. Find the first incorrect step, explain what is wrong with it, "
        + "and write the correct solution from that step on, ending with the answer.";

    /// <summary>
    /// Builds the prompt from <paramref name="count"/> generated problems (with <paramref name="options"/>' ranges,
    /// drawn from <paramref name="seed"/>); demonstration i has a wrong result in calculation i mod n, and every later
    /// calculation continues correctly from the wrong value.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not in [1, 16].</exception>
    public static CorrectionPrompt Create(ArithmeticTaskOptions? options = null, int count = 3, long seed = 7)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 16);
        var generator = new ArithmeticTaskGenerator(options ?? new ArithmeticTaskOptions());
        var random = new SeededRandom(seed);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        var demonstrations = new List<CorrectionDemonstration>(count);
        while (demonstrations.Count < count)
        {
            ArithmeticProblem problem = generator.TryDrawProblem(random, excluded)
                ?? throw new InvalidOperationException("The task's ranges allow too few problems for the demonstrations.");
            excluded.Add(problem.Signature);
            string wrong = WrongPath(problem, demonstrations.Count % problem.Steps.Count, 1 + random.NextInt(3));
            Correction correction = CorrectionParser.Parse(ArithmeticCorrector.Correct(problem, wrong));
            demonstrations.Add(new CorrectionDemonstration(problem.Question, wrong, correction));
        }
        return CorrectionPrompt.FromDemonstrations(Instruction, demonstrations);
    }

    /// <summary>The reference rationale with calculation <paramref name="index"/> off by <paramref name="offset"/>,
    /// later calculations continuing from the wrong value (falling back to addition where an operation no longer fits).</summary>
    internal static string WrongPath(ArithmeticProblem problem, int index, int offset)
    {
        var lines = new List<string> { problem.RationaleSteps[0] };
        int value = problem.Start;
        for (int i = 0; i < problem.Steps.Count; i++)
        {
            ArithmeticStep step = problem.Steps[i];
            ArithmeticOperation operation = step.Operation;
            int? result = ArithmeticStep.Apply(operation, value, step.Operand);
            if (result is null)
            {
                operation = ArithmeticOperation.Add;
                result = value + step.Operand;
            }
            if (i == index) result += offset;
            string symbol = ArithmeticStep.SymbolOf(operation);
            string line = problem.RationaleSteps[i + 1];
            int so = line.IndexOf(", so ", StringComparison.Ordinal);
            string reason = so >= 0 ? line[..so] : line.TrimEnd('.');
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{reason}, so {problem.Character.Pronoun.ToLowerInvariant()} has {value} {symbol} {step.Operand} = {result} {problem.Item}."));
            value = result.Value;
        }
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"{AnswerExtraction.AnswerPhrase}{value}."));
        return string.Join('\n', lines);
    }
}
