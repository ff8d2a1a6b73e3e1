using Reversal.Training.Data.Examples;
using Reversal.Training.Data.Tests.Tokenization;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tests.Examples;

public class TokenizerWordBoundariesTests
{
    [Test]
    public void A_word_level_tokenizer_makes_every_token_a_word()
    {
        var tokenizer = WordTokenizer.Fit(["Ann Lee is the chef ."]);
        Assert.That(TokenizerWordBoundaries.For(tokenizer), Is.SameAs(WordBoundaries.EveryToken));
    }

    [Test]
    public void A_byte_level_BPE_word_begins_at_a_space_marked_token()
    {
        var bpe = BpeTokenizer.Load(BpeFixtures.TrainedTokenizerPath);
        var words = TokenizerWordBoundaries.For(bpe);

        Assert.That(words.VocabSize, Is.EqualTo(bpe.VocabSize));
        for (int id = 0; id < bpe.VocabSize; id++)
        {
            string token = bpe.IdToToken(id);
            bool expected = token.StartsWith(TokenizerWordBoundaries.ByteLevelSpaceMarker) || bpe.SpecialTokens.IsStructural(id) || id == bpe.SpecialTokens.Unk;
            Assert.That(words.StartsWord(id), Is.EqualTo(expected), $"token {id} '{token}'");
        }
        var ids = bpe.Encode("The quick brown fox");
        Assert.That(ids.Skip(1).Count(words.StartsWord), Is.EqualTo(3), "quick, brown and fox begin words after the first");
    }
}
