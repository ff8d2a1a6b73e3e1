using Reversal.Training.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Interop;

/// <summary>Moves weights and optimizer state between TorchSharp tensors and the engine-neutral <see cref="TensorData"/>.</summary>
public static class TensorDataConversions
{
    /// <summary>A float32 tensor on <paramref name="device"/> holding a copy of <paramref name="data"/>.</summary>
    public static Tensor ToTorch(this TensorData data, Device device)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(device);
        var shape = data.Shape.Select(d => (long)d).ToArray();
        return torch.tensor(data.Values, shape, ScalarType.Float32, device);
    }

    /// <summary>A float32 copy of <paramref name="tensor"/> on the host, as <see cref="TensorData"/>.</summary>
    /// <exception cref="ArgumentException">The tensor is not a floating-point tensor.</exception>
    public static TensorData ToTensorData(this Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.is_floating_point()) throw new ArgumentException($"A {tensor.dtype} tensor cannot be exported as float32 TensorData.", nameof(tensor));
        using var host = tensor.detach().to(ScalarType.Float32, CPU).contiguous();
        var shape = host.shape.Select(d => checked((int)d)).ToArray();
        return new TensorData(host.data<float>().ToArray(), shape);
    }
}
