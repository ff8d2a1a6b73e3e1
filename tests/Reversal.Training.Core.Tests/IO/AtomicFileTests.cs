using System.Text;
using Reversal.Training.IO;

namespace Reversal.Training.Core.Tests.IO;

public class AtomicFileTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static Action<Stream> Text(string text) => stream => stream.Write(Encoding.UTF8.GetBytes(text));

    [Test]
    public void Write_creates_the_file_and_its_folders()
    {
        string path = Path.Combine(_temp.Path, "x", "y", "file.txt");

        AtomicFile.Write(path, Text("hello"));

        Assert.That(File.ReadAllText(path), Is.EqualTo("hello"));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void Write_replaces_the_previous_content()
    {
        string path = _temp.File("file.txt");
        File.WriteAllText(path, "a much longer previous content");

        AtomicFile.Write(path, Text("new"));

        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
    }

    [Test]
    public void A_failing_writer_leaves_the_previous_file_intact_and_no_temporary_file()
    {
        string path = _temp.File("file.txt");
        File.WriteAllText(path, "previous");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("partial new cont"u8);
            throw new InvalidOperationException("disk on fire");
        }));

        Assert.That(File.ReadAllText(path), Is.EqualTo("previous"));
        Assert.That(Directory.GetFiles(_temp.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void A_read_only_target_is_refused_on_every_platform()
    {
        string path = _temp.File("file.txt");
        File.WriteAllText(path, "previous");
        File.SetAttributes(path, FileAttributes.ReadOnly);

        var ex = Assert.Throws<UnauthorizedAccessException>(() => AtomicFile.Write(path, Text("new")));

        Assert.That(ex!.Message, Does.Contain("read-only"));
        Assert.That(File.ReadAllText(path), Is.EqualTo("previous"));
    }
}
