using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.Evaluation.ReversalCurse;

namespace Reversal.Training.Evaluation.Tests.ReversalCurse;

public class SplitTargetKindsTests
{
    [Test]
    public void Names_are_the_targets_of_d2p_and_p2d_reverse_descriptions_of_the_others()
    {
        Assert.That(SplitTargetKinds.Default[ReversalSplits.D2P], Is.EqualTo(TargetKind.Name));
        Assert.That(SplitTargetKinds.Default[ReversalSplits.P2DReverse], Is.EqualTo(TargetKind.Name));
        Assert.That(SplitTargetKinds.Default[ReversalSplits.P2D], Is.EqualTo(TargetKind.Description));
        Assert.That(SplitTargetKinds.Default[ReversalSplits.D2PReverse], Is.EqualTo(TargetKind.Description));
        Assert.That(SplitTargetKinds.Default.Keys, Is.EquivalentTo(ReversalSplits.All));
    }

    [Test]
    public void Splits_are_ordered_berglund_first_then_ordinally() =>
        Assert.That(SplitOrder.Sort(["zeta", "d2p_reverse", "both", "d2p", "p2d_reverse", "p2d", "d2p"]),
            Is.EqualTo(new[] { "d2p", "p2d", "p2d_reverse", "d2p_reverse", "both", "zeta" }));
}
