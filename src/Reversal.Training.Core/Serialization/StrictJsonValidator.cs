using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Reversal.Training.Serialization;

/// <summary>
/// The validating pass of <see cref="StrictJson"/>: one <see cref="Utf8JsonReader"/> walk over the text that checks
/// the grammar and nesting, that every escaped string and key unescapes to valid UTF-16, and that no object repeats a
/// key (compared after unescaping).
/// </summary>
/// <remarks>
/// Memory: no allocation per value or per object. The keys of the objects still open are kept as UTF-8 bytes in one
/// pooled buffer (released as each object closes), each located by 8 bytes; an object with more than
/// <see cref="LinearKeys"/> keys also gets a pooled open-addressing table of 16 to 32 bytes per key. So the pass needs
/// the bytes of the open objects' keys plus at most 40 bytes per key, all in pooled arrays, whatever the nesting.
/// </remarks>
internal sealed class StrictJsonValidator
{
    /// <summary>Objects with up to this many keys are checked for repeats by comparing with each earlier key.</summary>
    private const int LinearKeys = 16;

    private readonly Func<StrictJsonProblem, Exception> _toException;
    private Frame[] _frames = ArrayPool<Frame>.Shared.Rent(16);
    private int _depth;
    private byte[] _keyBytes = ArrayPool<byte>.Shared.Rent(256);
    private int _keyBytesUsed;
    private KeyRef[] _keys = ArrayPool<KeyRef>.Shared.Rent(32);
    private int _keyCount;

    private StrictJsonValidator(Func<StrictJsonProblem, Exception> toException) => _toException = toException;

    /// <summary>Checks <paramref name="json"/> (already known to be valid UTF-8); the first problem is thrown as <paramref name="toException"/> makes it.</summary>
    public static void Validate(ReadOnlySpan<byte> json, JsonReaderOptions options, Func<StrictJsonProblem, Exception> toException)
    {
        var validator = new StrictJsonValidator(toException);
        try
        {
            validator.Walk(json, options);
        }
        finally
        {
            validator.Release();
        }
    }

    private void Walk(ReadOnlySpan<byte> json, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(json, options);
        while (Next(ref reader, json))
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    CountItem();
                    Push(isObject: true);
                    break;
                case JsonTokenType.StartArray:
                    CountItem();
                    Push(isObject: false);
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    Pop();
                    break;
                case JsonTokenType.PropertyName:
                    AddKey(ref reader, json);
                    break;
                case JsonTokenType.String:
                    CountItem();
                    if (reader.ValueIsEscaped) CheckEscapes(ref reader, json);
                    break;
                default:
                    CountItem();
                    break;
            }
        }
    }

    /// <summary>Advances the reader; a syntax error becomes the caller's exception (thrown outside the catch, so it is never re-caught).</summary>
    private bool Next(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        JsonException? syntax;
        try
        {
            return reader.Read();
        }
        catch (JsonException ex)
        {
            syntax = ex;
        }
        throw _toException(StrictJson.Syntax(json, syntax, reader.BytesConsumed));
    }

    private void Push(bool isObject)
    {
        if (_depth == _frames.Length) _frames = Grow(_frames, _depth);
        _frames[_depth++] = new Frame { IsObject = isObject, FirstKey = _keyCount, CurrentKey = -1 };
    }

    private void Pop()
    {
        ref var frame = ref _frames[--_depth];
        if (frame.Table is not null) ArrayPool<int>.Shared.Return(frame.Table);
        if (frame.IsObject && frame.FirstKey < _keyCount)
        {
            _keyBytesUsed = _keys[frame.FirstKey].Offset;
            _keyCount = frame.FirstKey;
        }
        frame = default;
    }

    /// <summary>Counts a value inside an array, so that paths name its position.</summary>
    private void CountItem()
    {
        if (_depth > 0 && !_frames[_depth - 1].IsObject) _frames[_depth - 1].Items++;
    }

    private void AddKey(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        // The key's unescaped UTF-8 bytes: the raw ones, or unescaped (which proves the escapes valid).
        var raw = reader.ValueSpan;
        EnsureKeyRoom(raw.Length);
        int written;
        if (!reader.ValueIsEscaped)
        {
            raw.CopyTo(_keyBytes.AsSpan(_keyBytesUsed));
            written = raw.Length;
        }
        else
        {
            try
            {
                written = reader.CopyString(_keyBytes.AsSpan(_keyBytesUsed));
            }
            catch (InvalidOperationException)
            {
                throw _toException(InvalidEscapes(json, reader.TokenStartIndex));
            }
        }
        if (_keyCount == _keys.Length) _keys = Grow(_keys, _keyCount);
        int index = _keyCount++;
        _keys[index] = new KeyRef(_keyBytesUsed, written);
        _keyBytesUsed += written;

        ref var frame = ref _frames[_depth - 1];
        frame.CurrentKey = index;
        if (IsRepeated(ref frame, index))
            throw _toException(StrictJson.At(json, StrictJsonProblemKind.DuplicateKey, $"the key '{KeyText(index)}' appears more than once", reader.TokenStartIndex, Path()));
    }

    private bool IsRepeated(ref Frame frame, int index)
    {
        int count = index - frame.FirstKey;
        if (frame.Table is null && count < LinearKeys)
        {
            var key = KeySpan(index);
            for (int i = frame.FirstKey; i < index; i++)
                if (KeySpan(i).SequenceEqual(key)) return true;
            return false;
        }
        if (frame.Table is null || 2 * (count + 1) > frame.TableMask + 1)
        {
            // (Re)build the table, a power of two at least four times the keys so far, from those keys.
            if (frame.Table is not null) ArrayPool<int>.Shared.Return(frame.Table);
            frame.Table = ArrayPool<int>.Shared.Rent((int)BitOperations.RoundUpToPowerOf2((uint)(4 * (count + 1))));
            frame.TableMask = (1 << BitOperations.Log2((uint)frame.Table.Length)) - 1;
            Array.Clear(frame.Table);
            for (int i = frame.FirstKey; i < index; i++) Insert(frame.Table, frame.TableMask, i);
        }
        return !Insert(frame.Table, frame.TableMask, index);
    }

    /// <summary>Adds key <paramref name="index"/> to an open-addressing table of key indices + 1 (0 = empty); false when an equal key is there.</summary>
    private bool Insert(int[] table, int mask, int index)
    {
        var key = KeySpan(index);
        var hash = new HashCode();
        hash.AddBytes(key);
        for (int slot = hash.ToHashCode() & mask; ; slot = (slot + 1) & mask)
        {
            int entry = table[slot];
            if (entry == 0)
            {
                table[slot] = index + 1;
                return true;
            }
            if (KeySpan(entry - 1).SequenceEqual(key)) return false;
        }
    }

    /// <summary>Unescapes the current string into pooled memory, only to prove it is valid UTF-16.</summary>
    private void CheckEscapes(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        // Unescaped, a string has at most as many UTF-16 units as its escaped form has bytes.
        char[] buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, reader.ValueSpan.Length));
        try
        {
            reader.CopyString(buffer);
        }
        catch (InvalidOperationException)
        {
            throw _toException(InvalidEscapes(json, reader.TokenStartIndex));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private StrictJsonProblem InvalidEscapes(ReadOnlySpan<byte> json, long offset) =>
        StrictJson.At(json, StrictJsonProblemKind.InvalidString, "a string escapes an invalid UTF-16 sequence (a lone surrogate such as \\ud800)", offset, Path());

    /// <summary>The keys and array positions leading to the current token (built only for an error message).</summary>
    private string[] Path()
    {
        var path = new List<string>(_depth);
        for (int d = 0; d < _depth; d++)
        {
            ref var frame = ref _frames[d];
            if (!frame.IsObject)
            {
                if (frame.Items > 0) path.Add("[" + (frame.Items - 1).ToString(CultureInfo.InvariantCulture) + "]");
            }
            else if (frame.CurrentKey >= 0)
            {
                path.Add(KeyText(frame.CurrentKey));
            }
        }
        return [.. path];
    }

    private ReadOnlySpan<byte> KeySpan(int index) => _keyBytes.AsSpan(_keys[index].Offset, _keys[index].Length);

    private string KeyText(int index) => Encoding.UTF8.GetString(KeySpan(index));

    private void EnsureKeyRoom(int bytes)
    {
        if (_keyBytesUsed + bytes <= _keyBytes.Length) return;
        var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(2L * _keyBytes.Length, (long)_keyBytesUsed + bytes)));
        _keyBytes.AsSpan(0, _keyBytesUsed).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_keyBytes);
        _keyBytes = grown;
    }

    private static T[] Grow<T>(T[] array, int used)
    {
        var grown = ArrayPool<T>.Shared.Rent(array.Length * 2);
        array.AsSpan(0, used).CopyTo(grown);
        ArrayPool<T>.Shared.Return(array, clearArray: RuntimeHelpers.IsReferenceOrContainsReferences<T>());
        return grown;
    }

    private void Release()
    {
        for (int d = 0; d < _depth; d++)
            if (_frames[d].Table is { } table) ArrayPool<int>.Shared.Return(table);
        ArrayPool<Frame>.Shared.Return(_frames, clearArray: true);
        ArrayPool<byte>.Shared.Return(_keyBytes);
        ArrayPool<KeyRef>.Shared.Return(_keys);
    }

    /// <summary>Where a key's unescaped bytes are in the key buffer.</summary>
    private readonly record struct KeyRef(int Offset, int Length);

    /// <summary>An open array (<see cref="Items"/> counted) or object (its keys from <see cref="FirstKey"/> on).</summary>
    private struct Frame
    {
        public bool IsObject;
        public int Items;
        public int FirstKey;
        public int CurrentKey;
        public int[]? Table;
        public int TableMask;
    }
}
