using System.Text;

namespace Reversal.Training.Serialization;

/// <summary>
/// Orders strings by their UTF-8 bytes, which is how Rust (and so the reference SafeTensors writer) sorts names.
/// It agrees with ordinal UTF-16 order except for characters above U+FFFF against U+E000..U+FFFF.
/// </summary>
internal sealed class Utf8Order : IComparer<string>
{
    /// <summary>The shared instance.</summary>
    public static readonly Utf8Order Instance = new();

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y));
    }
}
