namespace Reversal.Training.Data.Lema;

/// <summary>
/// One GSM8K problem as stored in the original JSONL files: a word problem and its reference solution, whose lines
/// may carry calculator notes (<c>&lt;&lt;48/2=24&gt;&gt;</c>) and whose last line is <c>#### N</c>.
/// </summary>
/// <param name="Question">The word problem.</param>
/// <param name="Answer">The reference solution, ending with <c>#### N</c>.</param>
public sealed record Gsm8kProblem(string Question, string Answer)
{
    /// <summary>The word problem (never null).</summary>
    public string Question { get; init; } = Question ?? throw new ArgumentNullException(nameof(Question));

    /// <summary>The reference solution, ending with <c>#### N</c> (never null).</summary>
    public string Answer { get; init; } = Answer ?? throw new ArgumentNullException(nameof(Answer));
}
