using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// Question evolution behind <see cref="IChatClient"/> for GSM8K-style problems: sends <see cref="Prompt"/> (this
/// library's own wording) with the seed question and reads back a new question and its step-by-step solution. The
/// evolved problem's reference answer is the model's own (<c>The answer is N.</c>), as with any LLM-written question:
/// the pipeline then keeps only corrections that reach it.
/// </summary>
public sealed partial class ChatQuestionEvolver : IQuestionEvolver
{
    /// <summary>The label before the new question in the reply.</summary>
    public const string QuestionLabel = "New Question:";

    /// <summary>The label before the new question's solution in the reply.</summary>
    public const string SolutionLabel = "Solution:";

    /// <summary>The evolution prompt; <c>{question}</c> is replaced by the seed question.</summary>
    public const string Prompt =
        "Write one new grade-school math word problem that grows out of the problem below. You may change the story "
        + "and the numbers, add one more step of reasoning, or add a condition, so that the new problem is as hard as "
        + "the original or a little harder. It must have exactly one numerical answer.\n"
        + "Then solve the new problem step by step, one calculation per line, and end with \"The answer is N.\"\n"
        + "Reply in exactly this format and nothing else:\n"
        + QuestionLabel + " <the new problem>\n"
        + SolutionLabel + "\n<the solution>\n\n"
        + "Problem: {question}";

    private readonly IChatClient _client;
    private readonly ChatOptions? _options;

    /// <summary>Creates the evolver.</summary>
    /// <param name="client">The chat model.</param>
    /// <param name="options">Options for every request; each request gets a copy with the call's seed.</param>
    public ChatQuestionEvolver(IChatClient client, ChatOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options;
    }

    /// <inheritdoc />
    /// <returns>The new problem (GSM8K answer format), or null when the reply lacks a question, a solution or a final answer.</returns>
    public async Task<ReasoningProblem?> EvolveAsync(ReasoningProblem seedProblem, long seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seedProblem);
        ChatOptions options = _options?.Clone() ?? new ChatOptions();
        options.Seed = seed;
        string prompt = Prompt.Replace("{question}", seedProblem.Question, StringComparison.Ordinal);
        ChatResponse response = await _client.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], options, cancellationToken)
            .ConfigureAwait(false);
        return Parse(response.Text ?? "");
    }

    /// <summary>Reads a reply laid out as <see cref="Prompt"/> asks; null when it is malformed.</summary>
    /// <param name="reply">The model's reply.</param>
    public static ReasoningProblem? Parse(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        Match match = ReplyRegex().Match(reply);
        if (!match.Success) return null;
        string question = match.Groups["question"].Value.Trim();
        string solution = match.Groups["solution"].Value.Trim();
        string? answer = AnswerExtraction.Gsm8kFinalAnswer(solution);
        if (question.Length == 0 || solution.Length == 0 || answer is null) return null;
        return new ReasoningProblem(question, solution, answer, AnswerFormat.Gsm8k);
    }

    [GeneratedRegex(@"New Question:\s*(?<question>.+?)\s*Solution:\s*(?<solution>.+)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ReplyRegex();
}
