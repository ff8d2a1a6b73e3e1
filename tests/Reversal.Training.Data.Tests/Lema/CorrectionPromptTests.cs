using Microsoft.Extensions.AI;
using Reversal.Training.Data.Lema;
using Reversal.Training.Data.Reasoning;
using Reversal.Training.Data.Tests.Reasoning;

namespace Reversal.Training.Data.Tests.Lema;

public class CorrectionPromptTests
{
    private static string PaperFile(string name)
        => SharedData.Find(Path.Combine("lema", name)) ?? throw new IgnoreException($"../shared/data/lema/{name} is absent.");

    [TestCase("prompt_correction_gsm8k.txt")]
    [TestCase("prompt_correction_math.txt")]
    public void The_built_prompt_lays_out_question_and_wrong_path_exactly_as_the_papers_demonstrations(string name)
    {
        string path = PaperFile(name);
        string file = File.ReadAllText(path).Replace("\r\n", "\n").TrimEnd();
        // The file's last demonstration, up to and including "Incorrect Step:", is what Build must produce for its
        // question and original steps.
        int last = file.LastIndexOf("\n\nQuestion: ", StringComparison.Ordinal) + 2;
        string block = file[last..file.IndexOf("\nIncorrect Step:", last, StringComparison.Ordinal)] + "\nIncorrect Step:";
        string question = block["Question: ".Length..block.IndexOf("\nOriginal Solution:", StringComparison.Ordinal)];
        int open = block.IndexOf("\n{\n", StringComparison.Ordinal) + 3;
        string steps = block[open..block.IndexOf("\n}\n", open, StringComparison.Ordinal)];

        var prompt = CorrectionPrompt.FromFile(path);
        Assert.That(prompt.FewShot, Is.EqualTo(file));
        Assert.That(prompt.Build(question, steps), Is.EqualTo(file + "\n\n" + block));
    }

    [Test]
    public void An_unnumbered_path_is_numbered_in_the_braces()
    {
        var prompt = CorrectionPrompt.FromDemonstrations("Fix it.", [new CorrectionDemonstration("Q?", "A is 1. The answer is 1.", new Correction(1, "Wrong.", "Step 1: The answer is 2."))]);
        Assert.That(prompt.FewShot, Is.EqualTo(
            "Fix it.\n\nQuestion: Q?\nOriginal Solution:\n{\nStep 1: A is 1.\nStep 2: The answer is 1.\n}\nIncorrect Step: Step 1.\n"
            + "Explanation: Wrong.\nCorrect Solution:\n{\nStep 1: The answer is 2.\n}"));
        Assert.That(prompt.Build("R?", "B is 2.\nThe answer is 3."), Is.EqualTo(
            prompt.FewShot + "\n\nQuestion: R?\nOriginal Solution:\n{\nStep 1: B is 2.\nStep 2: The answer is 3.\n}\nIncorrect Step:"));
    }

    [Test]
    public void The_built_in_tasks_prompt_is_ours_and_its_demonstrations_parse()
    {
        var prompt = ArithmeticCorrectionPrompt.Create(count: 3);
        Assert.That(prompt.FewShot, Does.StartWith(ArithmeticCorrectionPrompt.Instruction + "\n\nQuestion: "));
        var blocks = prompt.FewShot.Split("\n\nQuestion: ")[1..];
        Assert.That(blocks, Has.Length.EqualTo(3));
        foreach (string block in blocks)
        {
            var correction = CorrectionParser.Parse(block);
            Assert.That(correction.Explanation, Does.StartWith("The calculation is wrong"));
        }
        Assert.That(ArithmeticCorrectionPrompt.Create(count: 3).FewShot, Is.EqualTo(prompt.FewShot), "deterministic");
    }

    [Test]
    public void Bad_prompt_files_are_refused_naming_the_file()
    {
        using var temp = new TempDirectory();
        string missing = Path.Combine(temp.Path, "missing.txt");
        Assert.Throws<FileNotFoundException>(() => CorrectionPrompt.FromFile(missing));
        string empty = Path.Combine(temp.Path, "empty.txt");
        File.WriteAllText(empty, " \r\n");
        Assert.That(() => CorrectionPrompt.FromFile(empty), Throws.InstanceOf<FormatException>().With.Message.Contains("empty.txt"));
        string plain = Path.Combine(temp.Path, "plain.txt");
        File.WriteAllText(plain, "Just an instruction.");
        Assert.That(() => CorrectionPrompt.FromFile(plain), Throws.InstanceOf<FormatException>().With.Message.Contains("no demonstration"));
        Assert.Throws<ArgumentException>(() => CorrectionPrompt.FromDemonstrations("x", []));
    }

    [Test]
    public async Task The_chat_corrector_sends_exactly_P_c_plus_question_plus_wrong_path()
    {
        var prompt = ArithmeticCorrectionPrompt.Create();
        var client = new FakeChatClient(_ => " Step 2.\nExplanation: e\nCorrect Solution:\n{\n...\nStep 2: The answer is 18.\n}");
        var options = new ChatOptions { Temperature = 0, ModelId = "corrector" };
        var corrector = new ChatCorrector(client, prompt, options);
        string wrong = HandSolved.MiaRationale.Replace("7 + 5 = 12", "7 + 5 = 13");
        string reply = await corrector.CorrectAsync(new CorrectionRequest(HandSolved.Mia(), wrong));

        Assert.That(reply, Does.StartWith(" Step 2."));
        var (messages, sent) = client.Requests.Single();
        Assert.That(messages, Has.Count.EqualTo(1));
        Assert.That(messages[0].Role, Is.EqualTo(ChatRole.User));
        Assert.That(messages[0].Text, Is.EqualTo(prompt.FewShot + "\n\nQuestion: " + HandSolved.MiaQuestion + "\nOriginal Solution:\n{\n"
            + "Step 1: Mia starts with 7 marbles.\nStep 2: She gets 5 more, so she has 7 + 5 = 13 marbles.\n"
            + "Step 3: She gives away 3, so she has 12 - 3 = 9 marbles.\nStep 4: She then has 2 times as many, so she has 9 * 2 = 18 marbles.\n"
            + "Step 5: The answer is 18.\n}\nIncorrect Step:"));
        Assert.That(messages[0].Text, Does.Not.Contain(LemaPrompts.CorrectionInstruction), "the fine-tuning input is not what the corrector gets");
        Assert.That((sent!.Temperature, sent.ModelId), Is.EqualTo(((float?)0f, "corrector")));
        Assert.That(sent, Is.Not.SameAs(options), "each request gets its own copy of the options");
    }

    [Test]
    public async Task The_chat_reasoner_sends_the_CoT_prompt_k_times_with_derived_seeds()
    {
        var client = new FakeChatClient(_ => "The answer is 18.");
        var reasoner = new ChatReasoner(client, pathsPerQuestion: 3, new ChatOptions { Temperature = 0.7f }, seed: 9);
        var paths = await reasoner.SampleAsync([HandSolved.Mia(), HandSolved.Tom()]);
        Assert.That(paths.Select(p => p.Count), Is.EqualTo(new[] { 3, 3 }));
        Assert.That(client.Requests, Has.Count.EqualTo(6));
        Assert.That(client.Requests[0].Messages.Single().Text, Is.EqualTo(LemaPrompts.CotInput(HandSolved.MiaQuestion)));
        Assert.That(client.Requests.Select(r => r.Options!.Temperature), Has.All.EqualTo(0.7f));
        Assert.That(client.Requests.Select(r => r.Options!.Seed), Is.Unique);
        var again = new FakeChatClient(_ => "x");
        await new ChatReasoner(again, 3, new ChatOptions { Temperature = 0.7f }, seed: 9).SampleAsync([HandSolved.Mia(), HandSolved.Tom()]);
        Assert.That(again.Requests.Select(r => r.Options!.Seed), Is.EqualTo(client.Requests.Select(r => r.Options!.Seed)));
    }

    [Test]
    public async Task The_chat_evolver_sends_our_prompt_and_reads_the_new_problem()
    {
        var client = new FakeChatClient(_ => "New Question: Ann has 4 pens. She buys 3 more. How many pens?\nSolution:\nAnn has 4 + 3 = 7 pens.\nThe answer is 7.");
        var evolver = new ChatQuestionEvolver(client);
        var evolved = await evolver.EvolveAsync(HandSolved.Mia(), seed: 3);
        Assert.That(client.Requests.Single().Messages.Single().Text, Is.EqualTo(ChatQuestionEvolver.Prompt.Replace("{question}", HandSolved.MiaQuestion)));
        Assert.That(client.Requests.Single().Options!.Seed, Is.EqualTo(3));
        Assert.That((evolved!.Question, evolved.Answer), Is.EqualTo(("Ann has 4 pens. She buys 3 more. How many pens?", "7")));
        Assert.That(ChatQuestionEvolver.Parse("New Question: only a question"), Is.Null);
        Assert.That(ChatQuestionEvolver.Parse("New Question: q\nSolution: no answer"), Is.Null);
        Assert.That(ChatQuestionEvolver.Parse(""), Is.Null);
    }
}
