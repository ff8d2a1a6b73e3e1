using System.Runtime.Intrinsics.X86;

namespace Reversal.Training.Engine.Runtime;

/// <summary>
/// The size of this processor's level-1 data cache, read once from CPUID, for kernels that size their blocks by it.
/// </summary>
/// <remarks>
/// x86 only: the deterministic cache parameters (leaf 4, Intel and some others) give every cache's level, type and
/// size; AMD reports the L1 data cache in KiB in leaf 0x80000005 (ECX bits 31–24), which virtual machines keep even
/// where they hide the cache topology leaves (on the 2-vCPU AMD EPYC guest of the performance notes leaf 0x8000001D
/// and leaf 4 read zero, leaf 0x80000005 48 KiB). Elsewhere, or when no leaf answers, the size is unknown (null)
/// and callers keep their defaults.
/// </remarks>
internal static class ProcessorCaches
{
    private static readonly int? s_l1Data = ReadL1Data();

    /// <summary>Bytes of the level-1 data cache of one core, or null when the processor does not say.</summary>
    public static int? L1DataBytes => s_l1Data;

    private static int? ReadL1Data()
    {
        if (!X86Base.IsSupported) return null;
        try
        {
            return FromDeterministicParameters() ?? FromAmdLeaf();
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Leaf 4: sub-leaves until a null type; the level-1 data (type 1) or unified (type 3) cache's ways × partitions × line × sets.</summary>
    private static int? FromDeterministicParameters()
    {
        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        if (maxLeaf < 4) return null;
        for (int subLeaf = 0; subLeaf < 16; subLeaf++)
        {
            var (eax, ebx, ecx, _) = X86Base.CpuId(4, subLeaf);
            int type = eax & 0x1f, level = (eax >> 5) & 0x7;
            if (type == 0) break;
            if (level != 1 || (type != 1 && type != 3)) continue;
            long bytes = (long)(((ebx >> 22) & 0x3ff) + 1) * (((ebx >> 12) & 0x3ff) + 1) * ((ebx & 0xfff) + 1) * ((long)(uint)ecx + 1);
            return bytes is > 0 and <= int.MaxValue ? (int)bytes : null;
        }
        return null;
    }

    /// <summary>AMD's leaf 0x80000005: the L1 data cache in KiB in ECX bits 31–24 (reserved, zero, on other vendors).</summary>
    private static int? FromAmdLeaf()
    {
        var (maxExtended, _, _, _) = X86Base.CpuId(unchecked((int)0x80000000), 0);
        if ((uint)maxExtended < 0x80000005) return null;
        var (_, _, ecx, _) = X86Base.CpuId(unchecked((int)0x80000005), 0);
        int kib = (int)((uint)ecx >> 24);
        return kib > 0 ? kib * 1024 : null;
    }
}
