using Reversal.Training.Data.Entities;

namespace Reversal.Training.Data.ReversalCurse;

/// <summary>
/// The entities of reversal-curse data sets (people's names and descriptions) as an <see cref="EntityLexicon"/>, so
/// that <c>PromptCompletionEncoder.EncodeAll(tokenizer, rows, entities)</c> marks them for entity-preserving objectives.
/// </summary>
public static class ReversalCurseEntities
{
    /// <summary>The Berglund list of names, one a line (<c>data/reverse_experiments/templates/names.txt</c>).</summary>
    public const string BerglundNamesFile = "names.txt";

    /// <summary>The Berglund list of descriptions, one a line (<c>data/reverse_experiments/templates/descriptions.txt</c>).</summary>
    public const string BerglundDescriptionsFile = "descriptions.txt";

    /// <summary>The folder that holds the Berglund entity lists, relative to a data folder in the Berglund layout
    /// (<c>june_version_*</c> and <c>templates</c> are siblings).</summary>
    public const string BerglundTemplatesRelativeToData = "../templates";

    /// <summary>Every person's name and description (the generator's data: every training row holds both exactly).</summary>
    /// <exception cref="ArgumentException">There are no people.</exception>
    public static EntityLexicon Of(IEnumerable<FictitiousPerson> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        var list = people.ToArray();
        if (list.Length == 0) throw new ArgumentException("There are no people to take entities from.", nameof(people));
        return new EntityLexicon(list.SelectMany(p => new[] { p.Name, p.Description }));
    }

    /// <summary>
    /// Loads the names and descriptions the Berglund data set was generated from (<see cref="BerglundNamesFile"/> and
    /// <see cref="BerglundDescriptionsFile"/> in <paramref name="templatesDirectory"/>). Blank lines are skipped; a
    /// description's final period is dropped (it ends the sentence in the data, not the description).
    /// </summary>
    /// <remarks>The data's paraphrases sometimes reword a description ("directed the ..." for "the acclaimed director of
    /// the ..."); such a row is matched for the name only, and its description is reversed word by word.</remarks>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A list is missing.</exception>
    /// <exception cref="InvalidDataException">A list has no entries.</exception>
    public static EntityLexicon LoadBerglund(string templatesDirectory)
    {
        var names = LoadBerglundNames(templatesDirectory);
        var descriptions = ReadList(Path.Combine(templatesDirectory, BerglundDescriptionsFile)).Select(d => d.TrimEnd('.').TrimEnd());
        return new EntityLexicon(names.Concat(descriptions).Where(e => e.Length > 0));
    }

    /// <summary>
    /// Loads the names the Berglund data set was generated from (<see cref="BerglundNamesFile"/> in
    /// <paramref name="templatesDirectory"/>, blank lines skipped), e.g. for <see cref="ReversalCursePeople.Identify"/>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The list is missing.</exception>
    /// <exception cref="InvalidDataException">The list has no entries.</exception>
    public static IReadOnlyList<string> LoadBerglundNames(string templatesDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(templatesDirectory);
        if (!Directory.Exists(templatesDirectory))
            throw new DirectoryNotFoundException($"Berglund templates folder '{templatesDirectory}' was not found.");
        return Array.AsReadOnly(ReadList(Path.Combine(templatesDirectory, BerglundNamesFile)));
    }

    /// <summary>
    /// The folder with the Berglund entity lists beside a data folder in the Berglund layout
    /// (<c>{dataDirectory}/</c><see cref="BerglundTemplatesRelativeToData"/>, full path), or null when it does not exist.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dataDirectory"/> is null, empty or blank.</exception>
    public static string? BerglundTemplatesBeside(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        string sibling = Path.GetFullPath(Path.Combine(dataDirectory, BerglundTemplatesRelativeToData));
        return Directory.Exists(sibling) ? sibling : null;
    }

    private static string[] ReadList(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Entity list '{path}' was not found.", path);
        var entries = File.ReadAllLines(path).Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
        if (entries.Length == 0) throw new InvalidDataException($"Entity list '{path}' has no entries.");
        return entries;
    }
}
