using Reversal.Training.Data.Entities;
using Reversal.Training.Data.Examples;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Data.Tests.Tokenization;
using Reversal.Training.Objectives;

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

    [Test]
    public void Entity_spans_cover_the_tokens_of_each_entity_and_leave_the_ids_unchanged()
    {
        var row = new PromptCompletion("Daphne Barrington is", " the director of A Journey Through Time .");
        var lexicon = new EntityLexicon(["Daphne Barrington", "the director of A Journey Through Time"]);

        var sequence = PromptCompletionEncoder.Encode(Tokenizer, row, lexicon);

        Assert.That(sequence.Ids, Is.EqualTo(PromptCompletionEncoder.Encode(Tokenizer, row).Ids), "a word-level tokenizer gives the same ids");
        Assert.That(sequence.PromptLength, Is.EqualTo(4));
        Assert.That(sequence.EntitySpans, Is.EqualTo(new[] { new TokenSpan(1, 2), new TokenSpan(4, 7) }));
        Assert.That(Tokenizer.Decode(sequence.Ids[1..3]), Is.EqualTo("Daphne Barrington"));
        Assert.That(Tokenizer.Decode(sequence.Ids[4..11]), Is.EqualTo("the director of A Journey Through Time"));
    }

    [Test]
    public void A_subword_entity_takes_the_whitespace_before_it_so_its_first_token_is_the_word_start()
    {
        var bpe = BpeTokenizer.Load(BpeFixtures.TrainedTokenizerPath);
        var row = new PromptCompletion("The quick brown fox", " jumps over the lazy dog");

        var sequence = PromptCompletionEncoder.Encode(bpe, row, [new TextSpan(4, 5)], [new TextSpan(1, 5)], addBos: false, addEos: false);

        Assert.That(sequence.Ids, Is.EqualTo(PromptCompletionEncoder.Encode(bpe, row, addBos: false, addEos: false).Ids));
        var quick = sequence.EntitySpans[0];
        var jumps = sequence.EntitySpans[1];
        Assert.That(bpe.Decode(sequence.Ids[quick.Start..quick.End]), Is.EqualTo(" quick"));
        Assert.That(bpe.Decode(sequence.Ids[jumps.Start..jumps.End]), Is.EqualTo(" jumps"));
    }

    [Test]
    public void Host_spans_outside_the_text_or_overlapping_are_refused()
    {
        var row = new PromptCompletion("Daphne Barrington is", " the director .");
        Assert.Multiple(() =>
        {
            Assert.That(() => PromptCompletionEncoder.Encode(Tokenizer, row, [new TextSpan(15, 10)], []),
                Throws.ArgumentException.With.Message.Contains("outside the 20-character text"));
            Assert.That(() => PromptCompletionEncoder.Encode(Tokenizer, row, [], [new TextSpan(1, 5), new TextSpan(3, 5)]),
                Throws.ArgumentException.With.Message.Contains("overlap"));
            Assert.That(() => PromptCompletionEncoder.EncodeAll(Tokenizer, [row], (EntityLexicon)null!), Throws.ArgumentNullException);
        });
    }
}
