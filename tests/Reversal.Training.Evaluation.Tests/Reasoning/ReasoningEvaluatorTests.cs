using Microsoft.Extensions.AI;
using Reversal.Training.Data.Lema;
using Reversal.Training.Data.Reasoning;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Evaluation.Chat;
using Reversal.Training.Evaluation.Generation;
using Reversal.Training.Evaluation.Lema;
using Reversal.Training.Evaluation.Reasoning;
using Reversal.Training.Generation;

namespace Reversal.Training.Evaluation.Tests.Reasoning;

public class ReasoningEvaluatorTests
{
    private static readonly ReasoningProblem[] s_problems =
    [
        new("What is 2 + 2?", "2 + 2 = 4.\nThe answer is 4.", "4"),
        new("What is 10 * 10?", "10 * 10 = 100.\nThe answer is 100.", "100"),
        ReasoningProblem.FromMath("Half of one?", @"It is $\boxed{\frac{1}{2}}$."),
    ];

    /// <summary>Answers from a table keyed by the question inside the prompt, recording every request.</summary>
    private sealed class TableChatClient(Dictionary<string, string> answers) : IChatClient
    {
        public List<(string Prompt, ChatOptions? Options)> Requests { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            string prompt = messages.Single().Text;
            Requests.Add((prompt, options));
            string answer = answers.First(a => prompt.Contains(a.Key, StringComparison.Ordinal)).Value;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    [Test]
    public async Task A_chat_client_is_scored_greedy_in_each_problems_answer_format()
    {
        var client = new TableChatClient(new()
        {
            ["2 + 2"] = "2 + 2 = 4. The answer is $4.00.",
            ["10 * 10"] = "It is 1,000. The answer is 1,000.",
            ["Half"] = @"So the answer is \boxed{\dfrac12}.",
        });
        var result = await new ReasoningEvaluator(new ReasoningEvaluationOptions { MaxNewTokens = 50 })
            .EvaluateAsync(client, s_problems, new ChatOptions { ModelId = "m" });
        Assert.That(result.Predictions.Select(p => p.Correct), Is.EqualTo(new[] { true, false, true }));
        Assert.That(result.Predictions.Select(p => p.Predicted), Is.EqualTo(new[] { "4.00", "1000", @"\dfrac12" }));
        Assert.That((result.Correct, result.Total, result.Accuracy), Is.EqualTo((2, 3, 2.0 / 3)));
        Assert.That(client.Requests.Select(r => r.Prompt), Is.EqualTo(s_problems.Select(p => LemaPrompts.CotInput(p.Question))));
        Assert.That(client.Requests.Select(r => (r.Options!.Temperature, r.Options.MaxOutputTokens, r.Options.ModelId)),
            Has.All.EqualTo(((float?)0f, (int?)50, "m")));
    }

    [Test]
    public void Outputs_without_an_answer_count_as_wrong()
    {
        var scored = ReasoningEvaluator.Score(s_problems[0], "I do not know");
        Assert.That((scored.Predicted, scored.Correct), Is.EqualTo(((string?)null, false)));
        Assert.That(new ReasoningEvaluation([scored]).WithoutAnswer, Is.EqualTo(1));
        Assert.That(new ReasoningEvaluation([]).Accuracy, Is.EqualTo(0));
    }

    [Test]
    public void A_model_of_the_library_is_scored_on_its_greedy_outputs()
    {
        var tokenizer = WordTokenizer.Fit(s_problems.Select(p => LemaPrompts.CotInput(p.Question) + p.Rationale));
        var model = TestFixtures.TinyModel(tokenizer.VocabSize, context: 96);
        var evaluator = new ReasoningEvaluator(new ReasoningEvaluationOptions { MaxNewTokens = 12, BatchSize = 2 });
        var result = evaluator.Evaluate(model, tokenizer, s_problems);
        var expected = TextGeneration.Complete(model, tokenizer, s_problems.Select(p => LemaPrompts.CotInput(p.Question)).ToArray(), GenerationOptions.Greedy(12));
        Assert.That(result.Predictions.Select(p => p.Output), Is.EqualTo(expected));
        Assert.That(result.Predictions.Select(p => p.Correct), Is.EqualTo(s_problems.Select((p, i) => ReasoningEvaluator.Score(p, expected[i]!).Correct)));
        var tooSmall = TestFixtures.TinyModel(tokenizer.VocabSize, context: 8);
        Assert.That(evaluator.Evaluate(tooSmall, tokenizer, s_problems).Predictions.Select(p => p.Output), Has.All.Empty, "prompts longer than the context are unanswered, not errors");
    }

    [Test]
    public async Task The_reasoner_samples_k_paths_per_question_independent_of_batching()
    {
        var tokenizer = WordTokenizer.Fit(s_problems.Select(p => LemaPrompts.CotInput(p.Question) + p.Rationale));
        var model = TestFixtures.TinyModel(tokenizer.VocabSize, context: 96);
        var options = new ReasonerSamplingOptions { PathsPerQuestion = 3, Temperature = 1.5f, MaxNewTokens = 8, Seed = 4, BatchSize = 5 };
        var paths = await new LanguageModelReasoner(model, tokenizer, options).SampleAsync(s_problems);
        Assert.That(paths.Select(p => p.Count), Is.EqualTo(new[] { 3, 3, 3 }));
        Assert.That(paths[0].Distinct().Count(), Is.GreaterThan(1), "sampled at a temperature, the paths differ");
        var one = await new LanguageModelReasoner(model, tokenizer, options with { BatchSize = 1 }).SampleAsync(s_problems);
        Assert.That(one, Is.EqualTo(paths));
        var alone = await new LanguageModelReasoner(model, tokenizer, options).SampleAsync([s_problems[1]]);
        Assert.That(alone[0], Is.EqualTo(paths[1]), "a question's paths do not depend on the other questions of the call");
        var other = await new LanguageModelReasoner(model, tokenizer, options with { Seed = 5 }).SampleAsync(s_problems);
        Assert.That(other, Is.Not.EqualTo(paths));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LanguageModelReasoner(model, tokenizer, options with { PathsPerQuestion = 0 }));
    }

    [Test]
    public async Task The_model_as_a_chat_client_answers_like_the_generator()
    {
        var tokenizer = WordTokenizer.Fit(s_problems.Select(p => LemaPrompts.CotInput(p.Question) + p.Rationale));
        var model = TestFixtures.TinyModel(tokenizer.VocabSize, context: 96);
        using IChatClient client = new LanguageModelChatClient(model, tokenizer, "tiny");
        string prompt = LemaPrompts.CotInput(s_problems[0].Question);
        var response = await client.GetResponseAsync(prompt, new ChatOptions { MaxOutputTokens = 10 });
        Assert.That(response.Text, Is.EqualTo(TextGeneration.Complete(model, tokenizer, [prompt], GenerationOptions.Greedy(10))[0]));
        Assert.That(response.ModelId, Is.EqualTo("tiny"));
        var sampled = await client.GetResponseAsync(prompt, new ChatOptions { MaxOutputTokens = 10, Temperature = 1.5f, Seed = 3 });
        var again = await client.GetResponseAsync(prompt, new ChatOptions { MaxOutputTokens = 10, Temperature = 1.5f, Seed = 3 });
        Assert.That(sampled.Text, Is.EqualTo(again.Text), "seeded sampling is reproducible");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(prompt, new ChatOptions { MaxOutputTokens = 10 })) updates.Add(update);
        Assert.That(string.Concat(updates.Select(u => u.Text)), Is.EqualTo(response.Text));
        Assert.That(client.GetService<ChatClientMetadata>()!.DefaultModelId, Is.EqualTo("tiny"));
        Assert.That(client.GetService(typeof(Reversal.Training.Models.ICausalLanguageModel)), Is.SameAs(model));

        // Evaluating through the chat client gives the same scores as evaluating the model directly.
        var evaluator = new ReasoningEvaluator(new ReasoningEvaluationOptions { MaxNewTokens = 10 });
        var viaChat = await evaluator.EvaluateAsync(client, s_problems);
        var direct = evaluator.Evaluate(model, tokenizer, s_problems);
        Assert.That(viaChat.Predictions, Is.EqualTo(direct.Predictions));
    }
}
