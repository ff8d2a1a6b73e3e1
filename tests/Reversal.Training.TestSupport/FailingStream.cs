namespace Reversal.Training.TestSupport;

/// <summary>Passes writes through until <c>failAfterBytes</c> have been written, then throws an IOException ("disk full").</summary>
/// <param name="inner">The stream written through.</param>
/// <param name="failAfterBytes">Bytes let through before the failure.</param>
/// <param name="hresult">The IOException's HResult (default: none; pass <see cref="DiskFull"/> for the operating system's "no space left on device").</param>
public sealed class FailingStream(Stream inner, long failAfterBytes, int hresult = 0) : Stream
{
    private long _written;

    /// <summary>The HResult an IOException for a full disk carries here: ENOSPC (28) on Unix, ERROR_DISK_FULL (112) on Windows.</summary>
    public static int DiskFull => OperatingSystem.IsWindows() ? unchecked((int)0x80070070) : 28;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long allowed = Math.Max(0, failAfterBytes - _written);
        if (buffer.Length > allowed)
        {
            inner.Write(buffer[..(int)allowed]);
            _written += allowed;
            throw hresult == 0 ? new IOException($"injected failure after {_written} bytes (disk full)") : new IOException($"injected failure after {_written} bytes (disk full)", hresult);
        }
        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
