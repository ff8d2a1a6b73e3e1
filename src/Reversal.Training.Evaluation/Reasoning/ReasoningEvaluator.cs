using Microsoft.Extensions.AI;
using Reversal.Training.Data.Lema;
using Reversal.Training.Data.Reasoning;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Evaluation.Generation;
using Reversal.Training.Generation;
using Reversal.Training.Models;

namespace Reversal.Training.Evaluation.Reasoning;

/// <summary>
/// pass@1 accuracy on reasoning problems (GSM8K, MATH, the built-in arithmetic task) as LEMA measures it: one greedy
/// answer per problem to the CoT prompt, its final answer extracted in the problem's format
/// (<see cref="AnswerExtraction.FinalAnswer"/>: GSM8K numbers, MATH <c>\boxed{}</c> normalised) and compared with the
/// reference. Works for any model of this library and for any <see cref="IChatClient"/>.
/// </summary>
public sealed class ReasoningEvaluator
{
    /// <summary>Creates an evaluator.</summary>
    /// <param name="options">Settings (null: defaults).</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public ReasoningEvaluator(ReasoningEvaluationOptions? options = null)
    {
        Options = options ?? new ReasoningEvaluationOptions();
        Options.Validate();
    }

    /// <summary>The settings.</summary>
    public ReasoningEvaluationOptions Options { get; }

    /// <summary>
    /// Evaluates a model of this library: greedy decoding of <c>[BOS] prompt</c>, batched with the KV cache, up to EOS
    /// or <see cref="ReasoningEvaluationOptions.MaxNewTokens"/>. A prompt that fills the context counts as unanswered.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="problems">The problems.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <exception cref="ArgumentException">A problem is null.</exception>
    public ReasoningEvaluation Evaluate(ICausalLanguageModel model, ITokenizer tokenizer, IReadOnlyList<ReasoningProblem> problems,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        CheckProblems(problems);
        var prompts = problems.Select(p => Options.Prompt(p.Question)).ToArray();
        var outputs = TextGeneration.Complete(model, tokenizer, prompts, GenerationOptions.Greedy(Options.MaxNewTokens), null,
            Options.BatchSize, cancellationToken);
        return new ReasoningEvaluation(problems.Select((p, i) => Score(p, outputs[i] ?? "")).ToArray());
    }

    /// <summary>
    /// Evaluates a chat model: one request per problem with the prompt as the user message, temperature 0 and
    /// <see cref="ReasoningEvaluationOptions.MaxNewTokens"/> output tokens (on top of <paramref name="options"/>),
    /// sequentially.
    /// </summary>
    /// <param name="client">The chat model.</param>
    /// <param name="problems">The problems.</param>
    /// <param name="options">Further request options (e.g. the model id); null: none.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <exception cref="ArgumentException">A problem is null.</exception>
    public async Task<ReasoningEvaluation> EvaluateAsync(IChatClient client, IReadOnlyList<ReasoningProblem> problems, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        CheckProblems(problems);
        var predictions = new ReasoningPrediction[problems.Count];
        for (int i = 0; i < problems.Count; i++)
        {
            ChatOptions request = options?.Clone() ?? new ChatOptions();
            request.Temperature = 0;
            request.MaxOutputTokens = Options.MaxNewTokens;
            ChatResponse response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, Options.Prompt(problems[i].Question))],
                request, cancellationToken).ConfigureAwait(false);
            predictions[i] = Score(problems[i], response.Text ?? "");
        }
        return new ReasoningEvaluation(predictions);
    }

    /// <summary>Scores one output against a problem's reference answer in the problem's format.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="output">The model's output.</param>
    public static ReasoningPrediction Score(ReasoningProblem problem, string output)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(output);
        string? predicted = AnswerExtraction.FinalAnswer(output, problem.Format);
        return new ReasoningPrediction(problem.Question, output, predicted, problem.Answer,
            AnswerExtraction.Matches(predicted, problem.Answer, problem.Format));
    }

    private static void CheckProblems(IReadOnlyList<ReasoningProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        for (int i = 0; i < problems.Count; i++)
            if (problems[i] is null) throw new ArgumentException($"The problem at index {i} is null.", nameof(problems));
    }
}
