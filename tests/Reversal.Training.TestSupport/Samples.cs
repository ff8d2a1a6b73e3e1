namespace Reversal.Training.TestSupport;

/// <summary>Deterministic test inputs: System.Random with a fixed seed, Box-Muller normals.</summary>
public static class Samples
{
    /// <summary><paramref name="count"/> samples of Normal(<paramref name="mean"/>, <paramref name="std"/>²) as float32.</summary>
    public static float[] Normal(int seed, int count, double std = 1.0, double mean = 0.0)
    {
        var random = new Random(seed);
        var result = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            result[i] = (float)(mean + std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
        return result;
    }

    /// <summary>Uniform integers in [0, <paramref name="maxExclusive"/>).</summary>
    public static int[] Ints(int seed, int count, int maxExclusive)
    {
        var random = new Random(seed);
        var result = new int[count];
        for (int i = 0; i < count; i++) result[i] = random.Next(maxExclusive);
        return result;
    }
}
