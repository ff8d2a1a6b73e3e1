using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class EmbeddingTests
{
    // Forward copies rows (exact). Backward scatters W rows, adding repeated ids: a couple of float32 roundings.
    private static readonly Tolerance Exact = new(0, 0);
    private static readonly Tolerance Gradient = new(1e-6, 1e-6);

    [Test]
    public void Lookup_with_repeated_ids_matches_reference_and_finite_differences()
    {
        int[] ids = [1, 4, 1, 6, 0, 4, 4]; // 1 twice, 4 three times; rows 2, 3, 5 never used
        var (_, leaves) = Run([Input(91, 7, 5)], t => Functional.Embedding(t[0], ids, 7),
            x => ReferenceOps.Embedding(x[0], ids, 5), Exact, Gradient);
        var grad = leaves[0].Grad!;
        Assert.That(grad.ToArray().Skip(2 * 5).Take(5), Is.All.EqualTo(0f), "unused row 2 gets no gradient");
    }

    [Test]
    public void Output_shape_is_ids_shape_plus_dim()
    {
        var y = Functional.Embedding(Tensor.Zeros(7, 5), [1, 2, 3, 4, 5, 6], 2, 3);
        Assert.That(y.Shape, Is.EqualTo(new[] { 2, 3, 5 }));
    }

    [Test]
    public void Two_dimensional_ids_match() =>
        Run([Input(92, 6, 3)], t => Functional.Embedding(t[0], [5, 0, 5, 2, 3, 2], 2, 3),
            x => ReferenceOps.Embedding(x[0], [5, 0, 5, 2, 3, 2], 3), Exact, Gradient);

    [TestCase(7, 3)]
    [TestCase(-1, 1)]
    [TestCase(100, 0)]
    public void Out_of_range_id_throws_naming_id_and_index(int badId, int index)
    {
        int[] ids = [0, 1, 2, 3];
        ids[index] = badId;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Embedding(Tensor.Zeros(7, 5), ids, 4));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain($"id {badId}"));
            Assert.That(ex.Message, Does.Contain($"index {index}"));
        });
    }
}
