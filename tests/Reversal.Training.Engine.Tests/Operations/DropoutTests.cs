using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.Randomness;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class DropoutTests
{
    private static readonly Tolerance Tight = new(1e-6, 1e-6);

    /// <summary>The keep mask Dropout draws from <c>new SeededRandom(seed)</c>, reproduced independently: u ≥ p.</summary>
    private static bool[] Mask(long seed, int count, double p)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextDouble() >= p).ToArray();
    }

    [TestCase(0.25)]
    [TestCase(0.5)]
    public void Matches_the_masked_reference_and_finite_differences(double p)
    {
        var mask = Mask(7, 21, p);
        double keep = 1 / (1 - p);
        Run([Input(31, 3, 7)], t => Functional.Dropout(t[0], p, new SeededRandom(7)),
            x => x[0].Select((v, i) => mask[i] ? v * (float)keep : 0.0).ToArray(), Tight, Tight);
        Assert.That(mask.Count(m => !m), Is.GreaterThan(0), "some elements are dropped");
    }

    [Test]
    public void Zero_probability_returns_the_input_and_the_rate_is_about_p()
    {
        var x = Tensor.FromArray(Samples.Normal(3, 10_000), 10_000);
        Assert.That(Functional.Dropout(x, 0, new SeededRandom(1)), Is.SameAs(x));
        var y = Functional.Dropout(x, 0.3, new SeededRandom(1)).ToArray();
        double dropped = y.Count(v => v == 0) / 10_000.0;
        Assert.That(dropped, Is.EqualTo(0.3).Within(0.02));
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Dropout(x, 1, new SeededRandom(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Dropout(x, -0.1, new SeededRandom(1)));
    }
}
