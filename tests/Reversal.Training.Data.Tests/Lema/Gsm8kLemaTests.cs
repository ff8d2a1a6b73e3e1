using Reversal.Training.Data.Lema;
using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Tests.Lema;

/// <summary>The GSM8K route through the pipeline on the real files, with chat-model fakes in the three roles.</summary>
public class Gsm8kLemaTests
{
    [Test]
    public async Task Real_gsm8k_problems_flow_through_chat_reasoner_corrector_and_evolver()
    {
        string train = SharedData.Find(Path.Combine("gsm8k", "train.jsonl")) ?? throw new IgnoreException("../shared/data/gsm8k/train.jsonl is absent.");
        string few = SharedData.Find(Path.Combine("lema", "prompt_correction_gsm8k.txt")) ?? throw new IgnoreException("../shared/data/lema/prompt_correction_gsm8k.txt is absent.");
        var problems = Gsm8kReader.Read(train).Take(3).Select(ReasoningProblem.FromGsm8k).ToArray();
        Assert.That(problems[0].Answer, Is.EqualTo("72"));

        // The reasoner is wrong by one on every problem; the corrector fixes it from step 1 with the reference rationale.
        var reasonerClient = new FakeChatClient(prompt =>
        {
            var p = problems.Single(q => prompt.Contains(q.Question, StringComparison.Ordinal));
            return $"I add things up.\nThe answer is {int.Parse(p.Answer) + 1}.";
        });
        var correctorClient = new FakeChatClient(prompt =>
        {
            var p = problems.Single(q => prompt.EndsWith("I add things up.\nStep 2: The answer is " + (int.Parse(q.Answer) + 1) + ".\n}\nIncorrect Step:", StringComparison.Ordinal)
                                         && prompt.Contains(q.Question, StringComparison.Ordinal));
            return $" Step 1.\nExplanation: Nothing was computed.\nCorrect Solution:\n{{\nStep 1: {p.Rationale.Replace("\n", " ")}\n}}";
        });
        var pipeline = new LemaPipeline(new ChatReasoner(reasonerClient, 2), new ChatCorrector(correctorClient, CorrectionPrompt.FromFile(few)));
        var data = await pipeline.RunAsync(problems);

        Assert.That((data.Statistics.WrongPaths, data.Statistics.DuplicatePaths, data.Statistics.CorrectionsKept), Is.EqualTo((3, 3, 3)));
        Assert.That(correctorClient.Requests.Select(r => r.Messages.Single().Text), Has.All.StartWith("For the following math word problems, the original solutions may contain errors."));
        Assert.That(data.CorrectionRows[0].Prompt, Does.StartWith(LemaPrompts.CorrectionInstruction + "\nQuestion: " + problems[0].Question));

        var evolver = new ChatQuestionEvolver(new FakeChatClient(prompt => prompt.Contains(problems[0].Question, StringComparison.Ordinal)
            ? "New Question: A harder one?\nSolution:\n2 * 3 = 6.\nThe answer is 6."
            : "I cannot."));
        var evolved = await QuestionEvolution.EvolveAsync(evolver, QuestionEvolution.CorrectionCentricSeeds(problems, data), 2, seed: 1);
        Assert.That(evolved.Problems.Select(p => (p.Question, p.Answer)), Is.EqualTo(new[] { ("A harder one?", "6") }));
        Assert.That((evolved.Failed, evolved.Rejected), Is.EqualTo((4, 1)), "six calls at most: two malformed replies per other seed, one repeat");
    }
}
