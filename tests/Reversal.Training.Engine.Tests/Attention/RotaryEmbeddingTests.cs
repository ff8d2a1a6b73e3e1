using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.Attention;

namespace Reversal.Training.Engine.Tests.Attention;

public class RotaryEmbeddingTests
{
    [TestCase(4, 10000.0)]
    [TestCase(8, 10000.0)]
    [TestCase(6, 500000.0)]
    public void Rotate_matches_the_rotate_half_definition(int headDim, double theta)
    {
        var rope = new RotaryEmbedding(headDim, 40, theta);
        var x = Samples.Normal(361, headDim);
        foreach (int p in new[] { 0, 1, 7, 39 })
            foreach (bool negate in new[] { false, true })
            {
                var y = new float[headDim];
                rope.Rotate(x, y, p, negate);
                var expected = new double[headDim];
                ReferenceOps.RotateHead(TestData.ToDouble(x), expected, p, negate, theta);
                // float32 table entries (rounded from float64 angles) times O(1) values: |error| ≲ 5e-7
                Compare.Close(y, expected, new Tolerance(1e-6, 1e-6), $"position {p}, negate {negate}");
            }
    }

    [Test]
    public void Rotation_may_be_done_in_place()
    {
        var rope = new RotaryEmbedding(4, 8);
        var x = Samples.Normal(362, 4);
        var expected = new float[4];
        rope.Rotate(x, expected, 5, negateSine: false);
        rope.Rotate(x, x, 5, negateSine: false);
        Assert.That(x, Is.EqualTo(expected));
    }

    [Test]
    public void Invalid_arguments_throw()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new RotaryEmbedding(5, 8), "odd head size");
            Assert.Throws<ArgumentOutOfRangeException>(() => new RotaryEmbedding(0, 8), "zero head size");
            Assert.Throws<ArgumentOutOfRangeException>(() => new RotaryEmbedding(4, 0), "no positions");
            Assert.Throws<ArgumentOutOfRangeException>(() => new RotaryEmbedding(4, 8, theta: 1.0), "base 1");
            var rope = new RotaryEmbedding(4, 8);
            Assert.Throws<ArgumentOutOfRangeException>(() => rope.Rotate(new float[4], new float[4], 8, false), "position past the table");
            Assert.Throws<ArgumentOutOfRangeException>(() => rope.Rotate(new float[4], new float[4], -1, false), "negative position");
        });
    }
}
