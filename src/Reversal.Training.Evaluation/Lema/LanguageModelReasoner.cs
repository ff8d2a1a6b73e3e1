using Reversal.Training.Data.Lema;
using Reversal.Training.Data.Reasoning;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Evaluation.Generation;
using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.Randomness;

namespace Reversal.Training.Evaluation.Lema;

/// <summary>
/// The LEMA reasoner as a model of this library (any <see cref="ICausalLanguageModel"/>, e.g. one fine-tuned with CoT
/// on the task): samples k paths per question from <c>[BOS] CotInput(question)</c> at a temperature, all rows of a
/// call decoded together by the batched KV-cache <see cref="Generator"/>. Path j of a question uses a seed derived from
/// (seed, question, j), so the paths do not depend on batching or on which other questions share the call.
/// </summary>
public sealed class LanguageModelReasoner : IReasoner
{
    private readonly ICausalLanguageModel _model;
    private readonly ITokenizer _tokenizer;

    /// <summary>Creates the reasoner.</summary>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="options">Sampling settings (null: defaults).</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public LanguageModelReasoner(ICausalLanguageModel model, ITokenizer tokenizer, ReasonerSamplingOptions? options = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Options = options ?? new ReasonerSamplingOptions();
        Options.Validate();
    }

    /// <summary>The sampling settings.</summary>
    public ReasonerSamplingOptions Options { get; }

    /// <inheritdoc />
    /// <remarks>A question whose prompt does not fit the model's context gets no paths.</remarks>
    public Task<IReadOnlyList<IReadOnlyList<string>>> SampleAsync(IReadOnlyList<ReasoningProblem> problems, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problems);
        int k = Options.PathsPerQuestion;
        var prompts = new List<string>(problems.Count * k);
        var seeds = new List<long>(problems.Count * k);
        for (int i = 0; i < problems.Count; i++)
        {
            var problem = problems[i] ?? throw new ArgumentException($"The problem at index {i} is null.", nameof(problems));
            string prompt = LemaPrompts.CotInput(problem.Question);
            for (int j = 0; j < k; j++)
            {
                prompts.Add(prompt);
                seeds.Add(StableHash.Combine(Options.Seed, $"{j}:{problem.Question}"));
            }
        }
        var options = new GenerationOptions { MaxNewTokens = Options.MaxNewTokens, Temperature = Options.Temperature, TopK = Options.TopK };
        var texts = TextGeneration.Complete(_model, _tokenizer, prompts, options, seeds, Options.BatchSize, cancellationToken);
        var result = new IReadOnlyList<string>[problems.Count];
        for (int i = 0; i < problems.Count; i++)
            result[i] = texts.Skip(i * k).Take(k).Where(t => t is not null).Select(t => t!).ToArray();
        return Task.FromResult<IReadOnlyList<IReadOnlyList<string>>>(result);
    }
}
