using Reversal.Training.Engine.NN;
using Reversal.Training.Engine.Optim;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Tests.Optim;

public class OptimizerTests
{
    [Test]
    public void AdamW_matches_the_reference_update_and_decays_only_matrices()
    {
        var matrix = new Parameter(Tensor.FromArray([1f, -2f, 0.5f, 3f], 2, 2));
        var vector = new Parameter(Tensor.FromArray([1f, -1f], 2));
        var optimizer = new AdamW([matrix, vector], learningRate: 0.1, weightDecay: 0.5);
        float[] g1 = [0.1f, -0.2f, 0.3f, 0f], g2 = [0.5f, 0.25f];
        double[] m = new double[6], v = new double[6], theta = [1, -2, 0.5, 3, 1, -1];
        double[] grads = [.. g1.Select(x => (double)x), .. g2.Select(x => (double)x)];

        for (int step = 1; step <= 3; step++)
        {
            matrix.Grad = Tensor.FromArray((float[])g1.Clone(), 2, 2);
            vector.Grad = Tensor.FromArray((float[])g2.Clone(), 2);
            optimizer.Step();
            for (int i = 0; i < 6; i++)
            {
                if (i < 4) theta[i] *= 1 - 0.1 * 0.5; // decoupled decay: matrices only
                m[i] = 0.9 * m[i] + 0.1 * grads[i];
                v[i] = 0.999 * v[i] + 0.001 * grads[i] * grads[i];
                theta[i] -= 0.1 * (m[i] / (1 - Math.Pow(0.9, step))) / (Math.Sqrt(v[i] / (1 - Math.Pow(0.999, step))) + 1e-8);
            }
        }

        var actual = matrix.ToArray().Concat(vector.ToArray()).ToArray();
        for (int i = 0; i < 6; i++) Assert.That(actual[i], Is.EqualTo(theta[i]).Within(1e-5), $"element {i}");
    }

    [Test]
    public void ZeroGrad_clears_every_gradient_in_every_block_and_leaves_missing_ones_missing([Values(1, 2)] int threads)
    {
        // One gradient spanning several parallel blocks and a partial one, a small one, and a parameter without one.
        int[] sizes = [40_001, 7, 5];
        var parameters = sizes.Select(n => new Parameter(Tensor.FromArray(new float[n], n))).ToArray();
        parameters[0].Grad = Tensor.FromArray(Enumerable.Range(1, sizes[0]).Select(i => (float)i).ToArray(), sizes[0]);
        parameters[1].Grad = Tensor.FromArray(Enumerable.Repeat(-3f, sizes[1]).ToArray(), sizes[1]);
        var optimizer = new AdamW(parameters, learningRate: 0.01);
        using (Reversal.Training.Engine.Runtime.Compute.UseThreads(threads)) optimizer.ZeroGrad();
        Assert.Multiple(() =>
        {
            Assert.That(parameters[0].Grad!.ToArray(), Is.All.EqualTo(0f));
            Assert.That(parameters[1].Grad!.ToArray(), Is.All.EqualTo(0f));
            Assert.That(parameters[2].Grad, Is.Null);
        });
    }

    [Test]
    public void The_vectorised_parallel_AdamW_update_equals_the_scalar_float_update_bit_for_bit([Values(1, 2)] int threads)
    {
        // Sizes around the vector width, odd sizes up to 257 and one spanning several parallel blocks.
        int[] sizes = [1, 7, 8, 9, 31, 257, 40_001];
        var random = new Random(5);
        float[][] initial = [.. sizes.Select(n => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray())];
        float[][][] gradients = [.. Enumerable.Range(0, 3).Select(_ => sizes.Select(n => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray()).ToArray())];
        var parameters = initial.Select((values, i) => new Parameter(Tensor.FromArray((float[])values.Clone(), values.Length))).ToArray();
        var optimizer = new AdamW(parameters, learningRate: 0.01, weightDecay: 0.1, decays: [.. sizes.Select(n => n % 2 == 1)]);

        // The scalar loop the update had before it was vectorised, in float, same operation order.
        float[][] theta = [.. initial.Select(v => (float[])v.Clone())];
        float[][] m = [.. sizes.Select(n => new float[n])], v = [.. sizes.Select(n => new float[n])];
        for (int step = 1; step <= 3; step++)
        {
            for (int i = 0; i < parameters.Length; i++) parameters[i].Grad = Tensor.FromArray((float[])gradients[step - 1][i].Clone(), sizes[i]);
            using (Reversal.Training.Engine.Runtime.Compute.UseThreads(threads)) optimizer.Step();

            float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
            float stepSize = (float)(0.01 / (float)(1 - Math.Pow(0.9, step)));
            float inverseSqrtCorrection2 = 1f / MathF.Sqrt((float)(1 - Math.Pow(0.999, step)));
            for (int i = 0; i < sizes.Length; i++)
            {
                float decay = sizes[i] % 2 == 1 ? (float)(1 - 0.01 * 0.1) : 1f;
                for (int j = 0; j < sizes[i]; j++)
                {
                    float gj = gradients[step - 1][i][j];
                    m[i][j] = b1 * m[i][j] + (1 - b1) * gj;
                    v[i][j] = b2 * v[i][j] + (1 - b2) * gj * gj;
                    float denominator = MathF.Sqrt(v[i][j]) * inverseSqrtCorrection2 + eps;
                    theta[i][j] = theta[i][j] * decay - stepSize * m[i][j] / denominator;
                }
            }
        }
        for (int i = 0; i < sizes.Length; i++)
            Assert.That(parameters[i].ToArray(), Is.EqualTo(theta[i]), $"parameter of {sizes[i]} elements");
    }

    [Test]
    public void The_global_norm_over_many_blocks_matches_a_double_sum_and_does_not_depend_on_the_thread_count()
    {
        var random = new Random(9);
        int[] sizes = [1, 7, 8, 9, 257, 40_001, 16_384];
        var parameters = sizes.Select(n => new Parameter(Tensor.Zeros(n))
        {
            Grad = Tensor.FromArray([.. Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1))], n),
        }).ToArray();
        double expected = Math.Sqrt(parameters.Sum(p => p.Grad!.ToArray().Sum(g => (double)g * g)));

        double one, two;
        using (Reversal.Training.Engine.Runtime.Compute.UseThreads(1)) one = GradientClipping.GlobalNorm(parameters);
        using (Reversal.Training.Engine.Runtime.Compute.UseThreads(2)) two = GradientClipping.GlobalNorm(parameters);

        Assert.That(one, Is.EqualTo(expected).Within(1e-12 * expected));
        Assert.That(two, Is.EqualTo(one), "bit-identical at 1 and 2 threads");
    }

    [Test]
    public void Global_norm_clipping_scales_all_gradients_together()
    {
        var a = new Parameter(Tensor.Zeros(2)) { Grad = Tensor.FromArray([3f, 0f], 2) };
        var b = new Parameter(Tensor.Zeros(1)) { Grad = Tensor.FromArray([4f], 1) };

        double norm = GradientClipping.ClipGlobalNorm([a, b], maxNorm: 1.0);

        Assert.That(norm, Is.EqualTo(5.0).Within(1e-9));
        Assert.That(a.Grad!.ToArray()[0], Is.EqualTo(0.6f).Within(1e-6));
        Assert.That(b.Grad!.ToArray()[0], Is.EqualTo(0.8f).Within(1e-6));
        Assert.That(() => GradientClipping.ClipGlobalNorm([new Parameter(Tensor.Zeros(1)) { Grad = Tensor.FromArray([float.NaN], 1) }], 1.0),
            Throws.TypeOf<NonFiniteGradientException>());
    }
}
