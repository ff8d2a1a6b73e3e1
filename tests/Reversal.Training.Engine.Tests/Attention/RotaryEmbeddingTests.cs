using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.Attention;

namespace Reversal.Training.Engine.Tests.Attention;

public class RotaryEmbeddingTests
{
    [TestCase(4, 10000.0)]
    [TestCase(8, 10000.0)]
    [TestCase(6, 500000.0)]
    [TestCase(32, 10000.0)]
    [TestCase(34, 10000.0)]
    [TestCase(128, 500000.0)]
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

    /// <summary>
    /// The vectorised rotation gives the bits of the scalar formula <c>a·c − b·s</c>, <c>b·c + a·s</c> (products rounded,
    /// no fused multiply-add) on the shared tables, for head sizes whose halves fill vectors, leave a tail, or are short.
    /// </summary>
    [TestCase(2)]
    [TestCase(14)]
    [TestCase(16)]
    [TestCase(32)]
    [TestCase(50)]
    [TestCase(64)]
    [TestCase(258)]
    public void RotateAll_gives_the_bits_of_the_scalar_formula(int headDim)
    {
        const int heads = 3, tokens = 5;
        var rope = new RotaryEmbedding(headDim, 64);
        var x = Samples.Normal(headDim, tokens * heads * headDim);
        int[] positions = [0, 63, 5, 5, 17];
        float[] cos = rope.CosTable.ToArray(), sin = rope.SinTable.ToArray();
        int half = headDim / 2;
        foreach (bool negate in new[] { false, true })
        {
            var y = new float[x.Length];
            rope.RotateAll(x, y, positions, heads, negate);
            for (int t = 0; t < tokens; t++)
                for (int h = 0; h < heads; h++)
                    for (int i = 0; i < half; i++)
                    {
                        int o = (t * heads + h) * headDim;
                        float a = x[o + i], b = x[o + i + half], c = cos[positions[t] * half + i], s = (negate ? -1f : 1f) * sin[positions[t] * half + i];
                        float first = a * c - b * s, second = b * c + a * s;
                        Assert.That(y[o + i], Is.EqualTo(first), $"d {headDim}, token {t}, head {h}, i {i}, negate {negate}");
                        Assert.That(y[o + i + half], Is.EqualTo(second), $"d {headDim}, token {t}, head {h}, i {i} + d/2, negate {negate}");
                    }
        }
    }

    /// <summary>Both ways in one pass: the bits of two <see cref="RotaryEmbedding.RotateAll"/> calls.</summary>
    [TestCase(2)]
    [TestCase(14)]
    [TestCase(32)]
    [TestCase(50)]
    [TestCase(128)]
    public void RotateAllBothWays_gives_the_bits_of_two_RotateAll_calls(int headDim)
    {
        const int heads = 3;
        int[] positions = [0, 63, 5, 5, 17];
        var rope = new RotaryEmbedding(headDim, 64);
        var x = Samples.Normal(headDim + 1, positions.Length * heads * headDim);
        float[] standard = new float[x.Length], mirrored = new float[x.Length], expectedStandard = new float[x.Length], expectedMirrored = new float[x.Length];
        rope.RotateAllBothWays(x, standard, mirrored, positions, heads);
        rope.RotateAll(x, expectedStandard, positions, heads, negateSine: false);
        rope.RotateAll(x, expectedMirrored, positions, heads, negateSine: true);
        Assert.That(standard, Is.EqualTo(expectedStandard), "standard");
        Assert.That(mirrored, Is.EqualTo(expectedMirrored), "mirrored");
    }

    /// <summary>
    /// The fused gradient through both rotations: the bits of rotating each part into scratch (standard with the sine
    /// negated, mirrored with it restored) and adding, written or added to an existing gradient, with or without a mirrored part.
    /// </summary>
    [TestCase(14, true, true)]
    [TestCase(32, true, false)]
    [TestCase(32, false, true)]
    [TestCase(50, false, false)]
    public void AddUnrotatedBothWays_gives_the_bits_of_rotations_then_adds(int headDim, bool overwrite, bool withMirrored)
    {
        const int heads = 2;
        int[] positions = [3, 0, 40, 7];
        var rope = new RotaryEmbedding(headDim, 64);
        int count = positions.Length * heads * headDim;
        var standard = Samples.Normal(1, count);
        var mirrored = withMirrored ? Samples.Normal(2, count) : [];
        var existing = Samples.Normal(3, count);
        var expected = (float[])existing.Clone();
        var scratch = new float[count];
        rope.RotateAll(standard, scratch, positions, heads, negateSine: true);
        if (overwrite) scratch.CopyTo(expected, 0);
        else for (int i = 0; i < count; i++) expected[i] += scratch[i];
        if (withMirrored)
        {
            rope.RotateAll(mirrored, scratch, positions, heads, negateSine: false);
            for (int i = 0; i < count; i++) expected[i] += scratch[i];
        }
        var actual = (float[])existing.Clone();
        rope.AddUnrotatedBothWays(standard, mirrored, actual, positions, heads, overwrite);
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void RotateAll_refuses_short_spans_and_positions_outside_the_table()
    {
        var rope = new RotaryEmbedding(8, 10);
        var error = Assert.Throws<ArgumentException>(() => rope.RotateAll(new float[15], new float[16], [0, 1], heads: 1, negateSine: false));
        Assert.That(error!.Message, Does.Contain("needs 16 values (2 tokens × 1 heads × 8)"));
        Assert.Throws<ArgumentOutOfRangeException>(() => rope.RotateAll(new float[16], new float[16], [0, 10], heads: 1, negateSine: false));
    }

    [Test]
    public void Tables_grow_with_the_positions_used_and_give_the_same_values_whatever_the_order()
    {
        // A context of 2^31 − 1 positions costs nothing until used (issue 16: loading such a config.json took all memory).
        long before = GC.GetAllocatedBytesForCurrentThread();
        var huge = new RotaryEmbedding(64, int.MaxValue);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(128 * 64 * 4 + 4096), "the first tables cover 128 positions");

        var stepwise = new RotaryEmbedding(8, 5000, 500000);
        var direct = new RotaryEmbedding(8, 5000, 500000);
        var x = Samples.Normal(363, 8);
        var a = new float[8];
        var b = new float[8];
        for (int p = 0; p < 5000; p += 37) stepwise.Rotate(x, a, p, negateSine: false); // grows in doublings
        foreach (int p in new[] { 4999, 0, 129, 2500, 4096 })
        {
            direct.Rotate(x, a, p, negateSine: true);
            stepwise.Rotate(x, b, p, negateSine: true);
            Assert.That(a, Is.EqualTo(b), $"position {p}");
        }
        huge.Rotate(Samples.Normal(364, 64), new float[64], 1_000_000, negateSine: false);
    }

    [Test]
    public void Tables_grow_safely_under_concurrent_use()
    {
        var shared = new RotaryEmbedding(16, 100_000);
        var reference = new RotaryEmbedding(16, 100_000);
        var x = Samples.Normal(365, 16);
        Parallel.For(0, 4, worker =>
        {
            var y = new float[16];
            var expected = new float[16];
            for (int p = worker; p < 20_000; p += 97)
            {
                shared.Rotate(x, y, p, negateSine: false);
                lock (reference) reference.Rotate(x, expected, p, negateSine: false);
                Assert.That(y, Is.EqualTo(expected), $"position {p}");
            }
        });
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
