using System.Runtime.InteropServices;

namespace Reversal.Training.Engine.Kernels;

/// <summary>
/// A right-hand operand <c>op(B)</c> (<c>depth × columns</c>) packed once into the micro-kernel's panel layout, for
/// products that reuse it: attention multiplies every query block by the same keys and values, and packing them per
/// block was a tenth of the attention time. Made by <see cref="Sgemm.PackB"/>, used by
/// <see cref="Sgemm.MultiplyPacked(bool, int, int, int, ReadOnlySpan{float}, int, PackedB, Span{float}, int, bool)"/> with any leading part of its depth and columns; owns native memory, so dispose it.
/// </summary>
/// <remarks>
/// Layout: consecutive panels of <see cref="PanelWidth"/> columns, each <c>Depth × PanelWidth</c> floats (row p of a
/// panel holds <c>op(B)[p, j0 .. j0 + PanelWidth)</c>), the last panel zero-padded. A leading part of the depth is
/// the leading rows of every panel, and a leading part of the columns the leading panels, so the products of
/// <see cref="Sgemm.MultiplyPacked(bool, int, int, int, ReadOnlySpan{float}, int, PackedB, Span{float}, int, bool)"/> read exactly the elements the unpacked call would.
/// </remarks>
internal sealed unsafe class PackedB : IDisposable
{
    private float* _panels;

    internal PackedB(Sgemm.KernelKind kernel, int panelWidth, int depth, int columns)
    {
        Kernel = kernel;
        PanelWidth = panelWidth;
        Depth = depth;
        Columns = columns;
        long floats = (long)depth * ((columns + panelWidth - 1) / panelWidth) * panelWidth;
        _panels = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, floats) * sizeof(float), 64);
    }

    /// <summary>The micro-kernel whose layout this is (a call under another kernel is refused).</summary>
    public Sgemm.KernelKind Kernel { get; }

    /// <summary>Columns per panel (the kernel's NR).</summary>
    public int PanelWidth { get; }

    /// <summary>Rows of op(B): the k of the products.</summary>
    public int Depth { get; }

    /// <summary>Columns of op(B): the largest n of the products.</summary>
    public int Columns { get; }

    /// <summary>The first panel; throws once disposed.</summary>
    internal float* Panels => _panels != null ? _panels : throw new ObjectDisposedException(nameof(PackedB));

    /// <summary>Frees the panels.</summary>
    public void Dispose()
    {
        if (_panels == null) return;
        NativeMemory.AlignedFree(_panels);
        _panels = null;
    }
}
