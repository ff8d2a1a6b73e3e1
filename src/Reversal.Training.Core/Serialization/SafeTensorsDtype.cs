namespace Reversal.Training.Serialization;

/// <summary>
/// The element types of the SafeTensors format, in the order of the reference implementation's <c>Dtype</c> enum
/// (the Rust <c>safetensors</c> crate), which is the order its writer sorts by (descending) before the tensor name.
/// </summary>
/// <remarks>
/// Every type is recognised when a file is opened (so a file holding, say, <c>I64</c> ids can still be listed and
/// its float tensors read), but only <see cref="Float32"/>, <see cref="Float16"/> and <see cref="BFloat16"/> can be
/// read into or written from a float32 tensor (<see cref="TensorData"/>). The header spelling of each member is given by
/// <see cref="SafeTensorsDtypeExtensions.GetHeaderName"/>.
/// </remarks>
public enum SafeTensorsDtype
{
    /// <summary><c>BOOL</c>: one byte per element.</summary>
    Bool,

    /// <summary><c>F4</c>: 4-bit float (E2M1), two elements per byte.</summary>
    Float4,

    /// <summary><c>F6_E2M3</c>: 6-bit float.</summary>
    Float6E2M3,

    /// <summary><c>F6_E3M2</c>: 6-bit float.</summary>
    Float6E3M2,

    /// <summary><c>U8</c>: unsigned byte.</summary>
    UInt8,

    /// <summary><c>I8</c>: signed byte.</summary>
    Int8,

    /// <summary><c>F8_E5M2</c>: 8-bit float.</summary>
    Float8E5M2,

    /// <summary><c>F8_E4M3</c>: 8-bit float.</summary>
    Float8E4M3,

    /// <summary><c>F8_E8M0</c>: 8-bit exponent-only float (block scales).</summary>
    Float8E8M0,

    /// <summary><c>F8_E4M3FNUZ</c>: 8-bit float, finite, no negative zero.</summary>
    Float8E4M3Fnuz,

    /// <summary><c>F8_E5M2FNUZ</c>: 8-bit float, finite, no negative zero.</summary>
    Float8E5M2Fnuz,

    /// <summary><c>I16</c>: signed 16-bit integer.</summary>
    Int16,

    /// <summary><c>U16</c>: unsigned 16-bit integer.</summary>
    UInt16,

    /// <summary><c>F16</c>: IEEE 754 half precision.</summary>
    Float16,

    /// <summary><c>BF16</c>: bfloat16 (the upper half of a float32).</summary>
    BFloat16,

    /// <summary><c>I32</c>: signed 32-bit integer.</summary>
    Int32,

    /// <summary><c>U32</c>: unsigned 32-bit integer.</summary>
    UInt32,

    /// <summary><c>F32</c>: IEEE 754 single precision.</summary>
    Float32,

    /// <summary><c>C64</c>: complex number of two float32.</summary>
    Complex64,

    /// <summary><c>F64</c>: IEEE 754 double precision.</summary>
    Float64,

    /// <summary><c>I64</c>: signed 64-bit integer.</summary>
    Int64,

    /// <summary><c>U64</c>: unsigned 64-bit integer.</summary>
    UInt64,
}
