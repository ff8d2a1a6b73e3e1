using Reversal.Training.Attention;

namespace Reversal.Training.Core.Tests.Attention;

public class AttentionMaskPolicyTests
{
    [Test]
    public void Causal_sees_keys_up_to_the_query_and_never_mirrors()
    {
        var p = AttentionMaskPolicy.Causal;
        Assert.Multiple(() =>
        {
            Assert.That(Enumerable.Range(0, 5).Select(m => p.KeyEnd(0, m, 5)), Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
            Assert.That(p.MirrorsFutureKeys, Is.False);
            Assert.That(p.UsesMirroredRope(2, 7), Is.False);
        });
    }

    [Test]
    public void Bico_sees_every_key_and_mirrors_only_keys_with_a_later_position()
    {
        var p = AttentionMaskPolicy.Bico;
        Assert.Multiple(() =>
        {
            Assert.That(Enumerable.Range(0, 5).Select(m => p.KeyEnd(0, m, 5)), Is.All.EqualTo(5));
            Assert.That(p.UsesMirroredRope(queryPosition: 3, keyPosition: 4), Is.True);
            Assert.That(p.UsesMirroredRope(queryPosition: 3, keyPosition: 3), Is.False);
            Assert.That(p.UsesMirroredRope(queryPosition: 3, keyPosition: 0), Is.False);
        });
    }

    [Test]
    public void PrefixBidirectional_prefix_queries_see_the_prefix_and_later_queries_are_causal()
    {
        var p = AttentionMaskPolicy.PrefixBidirectional([3, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(Enumerable.Range(0, 6).Select(m => p.KeyEnd(0, m, 6)), Is.EqualTo(new[] { 3, 3, 3, 4, 5, 6 }));
            Assert.That(Enumerable.Range(0, 6).Select(m => p.KeyEnd(1, m, 6)), Is.EqualTo(new[] { 1, 2, 3, 4, 5, 6 }));
            Assert.That(p.IsVisible(0, 0, 2, 6), Is.True);
            Assert.That(p.IsVisible(0, 0, 3, 6), Is.False);
            Assert.That(p.UsesMirroredRope(0, 2), Is.True);
        });
    }

    [Test]
    public void Validate_refuses_prefix_lengths_that_do_not_fit()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => AttentionMaskPolicy.PrefixBidirectional([2]).Validate(2, 5), "one length for two rows");
            Assert.Throws<ArgumentException>(() => AttentionMaskPolicy.PrefixBidirectional([2, 6]).Validate(2, 5), "prefix longer than the row");
            Assert.Throws<ArgumentException>(() => AttentionMaskPolicy.PrefixBidirectional([-1]), "negative prefix");
            Assert.DoesNotThrow(() => AttentionMaskPolicy.PrefixBidirectional([0, 5]).Validate(2, 5));
        });
    }
}
