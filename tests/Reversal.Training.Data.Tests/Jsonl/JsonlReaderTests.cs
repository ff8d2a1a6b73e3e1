using System.Text;
using Reversal.Training.Data.Jsonl;

namespace Reversal.Training.Data.Tests.Jsonl;

/// <summary>The streaming line reader under the JSONL formats: line splitting across its buffer, BOM, line-length bound.</summary>
public class JsonlReaderTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string Write(byte[] content)
    {
        string path = _temp.File("data.jsonl");
        File.WriteAllBytes(path, content);
        return path;
    }

    private static IReadOnlyList<(int Line, string Text)> ReadTexts(string path) =>
        JsonlReader.ReadObjects(path, record => (record.LineNumber, record.RequiredString("t")));

    [Test]
    public void Lines_of_every_length_are_split_exactly_across_the_read_buffer()
    {
        // Lengths around the 64 KiB initial buffer and its doublings, with both line ends and blank lines between.
        int[] lengths = [0, 1, 65_000, 65_536, 70_000, 3, 140_000, 262_144, 17];
        var expected = new List<(int, string)>();
        var file = new StringBuilder();
        int line = 0;
        foreach (int length in lengths)
        {
            string text = new('a', length);
            file.Append("{\"t\": \"").Append(text).Append("\"}").Append(line % 2 == 0 ? "\n" : "\r\n");
            expected.Add((++line, text));
            file.Append("\n");
            line++;
        }
        string path = Write(Encoding.UTF8.GetBytes(file.ToString().TrimEnd('\n')));

        Assert.That(ReadTexts(path), Is.EqualTo(expected));
    }

    [Test]
    public void A_byte_order_mark_is_skipped_at_the_start_only()
    {
        Assert.That(ReadTexts(Write([.. "\uFEFF"u8, .. "{\"t\": \"x\"}"u8])), Is.EqualTo(new[] { (1, "x") }));
        var ex = Assert.Throws<JsonlFormatException>(() => ReadTexts(Write([.. "{\"t\": \"x\"}\n"u8, .. "\uFEFF"u8, .. "{\"t\": \"y\"}"u8])))!;
        Assert.That(ex.LineNumber, Is.EqualTo(2));
        Assert.That(ex.Message, Does.Contain("not valid JSON"));
        Assert.That(() => ReadTexts(Write([.. "\uFEFF"u8])), Throws.TypeOf<JsonlFormatException>().With.Message.Contains("contains no records"));
    }

    [Test]
    public void Short_files_are_read_whatever_their_length()
    {
        Assert.That(() => ReadTexts(Write([])), Throws.TypeOf<JsonlFormatException>().With.Message.Contains("contains no records"));
        Assert.That(() => ReadTexts(Write("{"u8.ToArray())), Throws.TypeOf<JsonlFormatException>().With.Property("LineNumber").EqualTo(1));
        Assert.That(ReadTexts(Write("{\"t\":\"\"}"u8.ToArray())), Is.EqualTo(new[] { (1, "") }));
    }

    [Test]
    public void A_line_longer_than_the_bound_is_refused_without_reading_further()
    {
        string path = _temp.File("long.jsonl");
        using (var stream = File.Create(path))
        {
            stream.Write("{\"t\": \"x\"}\n"u8);
            var chunk = new byte[1 << 20];
            chunk.AsSpan().Fill((byte)' ');
            for (int written = 0; written <= JsonlReader.MaxLineBytes; written += chunk.Length) stream.Write(chunk);
            stream.Write("\n{\"t\": \"y\"}\n"u8);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<JsonlFormatException>(() => ReadTexts(path))!;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(ex.LineNumber, Is.EqualTo(2));
        Assert.That(ex.Message, Does.Contain($"longer than {JsonlReader.MaxLineBytes} bytes"));
        Assert.That(allocated, Is.LessThan(3L * JsonlReader.MaxLineBytes), "the line buffer doubles up to the bound and no further");
    }
}
