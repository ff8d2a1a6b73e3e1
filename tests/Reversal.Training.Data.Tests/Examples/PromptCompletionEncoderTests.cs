using Reversal.Training.Data.Examples;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.Tokenization;

namespace Reversal.Training.Data.Tests.Examples;

public class PromptCompletionEncoderTests
{
    private static readonly WordTokenizer Tokenizer = WordTokenizer.Fit(["Daphne Barrington is the director of A Journey Through Time ."]);

    [Test]
    public void Wraps_prompt_and_completion_in_BOS_and_EOS_and_records_the_prompt_length()
    {
        var sequence = PromptCompletionEncoder.Encode(Tokenizer, new PromptCompletion("Daphne Barrington is", " the director ."));

        var prompt = Tokenizer.Encode("Daphne Barrington is");
        var completion = Tokenizer.Encode(" the director .");
        Assert.That(sequence.Ids, Is.EqualTo(new[] { 2 }.Concat(prompt).Concat(completion).Append(3)));
        Assert.That(sequence.PromptLength, Is.EqualTo(prompt.Length + 1));
    }

    [Test]
    public void Empty_rows_are_refused_with_their_index()
    {
        Assert.That(() => PromptCompletionEncoder.EncodeAll(Tokenizer, []), Throws.ArgumentException.With.Message.Contains("no rows"));
        Assert.That(() => PromptCompletionEncoder.EncodeAll(Tokenizer, [new("Daphne", " is"), new("", " ")], addBos: false, addEos: false),
            Throws.ArgumentException.With.Message.StartsWith("Row 1:"));
    }
}
