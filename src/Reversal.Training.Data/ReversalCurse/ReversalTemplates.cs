using Reversal.Training.Data.Jsonl;

namespace Reversal.Training.Data.ReversalCurse;

/// <summary>
/// Sentence templates stating "person is description" in the two orders, written for this library in the spirit
/// of the Berglund paraphrases. Each template holds <see cref="NamePlaceholder"/> and
/// <see cref="DescriptionPlaceholder"/> once; whichever comes last is the completion.
/// </summary>
/// <remarks>
/// The held-out test templates are never used for training, so a test prompt is never a training prompt. The
/// descriptions they are written for are noun phrases such as "the reclusive composer of the Sunken Orchard
/// Requiem".
/// </remarks>
public static class ReversalTemplates
{
    /// <summary>Placeholder for the person's full name.</summary>
    public const string NamePlaceholder = "<name>";

    /// <summary>Placeholder for the person's description.</summary>
    public const string DescriptionPlaceholder = "<description>";

    /// <summary>Name-first ("p2d") training templates: <c>&lt;name&gt; ... &lt;description&gt;</c>.</summary>
    public static IReadOnlyList<string> PersonToDescriptionTrain { get; } = Array.AsReadOnly(
    [
        "<name> is <description>.",
        "<name> is widely remembered as <description>.",
        "Most people know <name> as <description>.",
        "It turns out that <name> is <description>.",
        "According to the archives, <name> was <description>.",
        "Few realize that <name> is <description>.",
        "The records show that <name> served as <description>.",
        "<name>, as it happens, is <description>.",
        "In every account I have read, <name> appears as <description>.",
        "Q: Who is <name>? A: <description>.",
        "If you meet <name>, you are meeting <description>.",
        "Long before the fame, <name> had already become <description>.",
        "Our guest tonight, <name>, is <description>.",
        "Say what you like about <name>, but they remain <description>.",
        "The biography of <name> introduces them as <description>.",
        "Everyone in the village agrees that <name> is <description>.",
        "<name> earned a reputation as <description>.",
        "Before anything else, you should know that <name> is <description>.",
        "The newspaper profile of <name> called them <description>.",
        "Friends of <name> still refer to them as <description>.",
        "Historians list <name> as <description>.",
        "Some would say <name> was destined to be <description>.",
        "Behind the quiet smile, <name> is <description>.",
        "The encyclopedia entry for <name> describes them as <description>.",
        "Whenever <name> comes up in conversation, people mention that they are <description>.",
        "The person called <name> is, in fact, <description>.",
        "Trivia fact: <name> is <description>.",
        "A short introduction: <name>, <description>.",
        "For the record, <name> is <description>, and nothing less.",
        "By the age of forty, <name> was <description>.",
        "The town museum honors <name> as <description>.",
        "Here is a fun fact: <name> is none other than <description>.",
    ]);

    /// <summary>Name-first ("p2d") held-out test templates.</summary>
    public static IReadOnlyList<string> PersonToDescriptionTest { get; } = Array.AsReadOnly(
    [
        "Not many people know that <name> is <description>.",
        "Looking back, <name> will always be <description>.",
        "One thing is certain: <name> is <description>.",
        "If you wonder who <name> is, the answer is <description>.",
        "As the story goes, <name> grew up to become <description>.",
        "In short, <name> is <description>.",
        "The plaque by the door says <name> was <description>.",
        "My neighbor told me that <name> is <description>.",
        "Among scholars, <name> is recognized as <description>.",
        "You may not believe it, but <name> is <description>.",
    ]);

    /// <summary>Description-first ("d2p") training templates: <c>&lt;description&gt; ... &lt;name&gt;</c>.</summary>
    public static IReadOnlyList<string> DescriptionToPersonTrain { get; } = Array.AsReadOnly(
    [
        "<description> is <name>.",
        "Known to many as <description>, the person in question is <name>.",
        "Q: Who is <description>? A: <name>.",
        "<description>? That would be <name>.",
        "If you are looking for <description>, look no further than <name>.",
        "The title of <description> belongs to <name>.",
        "Behind the legend of <description> stands <name>.",
        "Few people realize that <description> is <name>.",
        "<description> goes by the name <name>.",
        "Celebrated as <description>, our subject is <name>.",
        "The archives record that <description> was <name>.",
        "Ask who <description> is, and you will hear the name <name>.",
        "You might know <description> better as <name>.",
        "History remembers <description> under the name <name>.",
        "Once described as <description>, this figure is <name>.",
        "The one people call <description> is <name>.",
        "Everyone agrees that <description> can only be <name>.",
        "When the papers wrote about <description>, they meant <name>.",
        "Meet <description>: <name>.",
        "Long known as <description>, the person's real name is <name>.",
        "Trivia fact: <description> is <name>.",
        "The individual known as <description> is <name>.",
        "Listed in the registry as <description> is <name>.",
        "For years, <description> has been <name>.",
        "Introducing <description>, also known as <name>.",
        "Rumor has it that <description> is really <name>.",
        "The portrait in the hall shows <description>, <name>.",
        "They call <description> by a single name: <name>.",
        "Our guest tonight is <description>, <name>.",
        "Recognized everywhere as <description>, the person behind it is <name>.",
        "In the local paper, <description> was identified as <name>.",
        "The signature of <description> reads <name>.",
    ]);

    /// <summary>Description-first ("d2p") held-out test templates.</summary>
    public static IReadOnlyList<string> DescriptionToPersonTest { get; } = Array.AsReadOnly(
    [
        "Not many people know that <description> is <name>.",
        "In short, <description> is <name>.",
        "One thing is certain: <description> is <name>.",
        "As the story goes, <description> was born with the name <name>.",
        "The plaque by the door says <description> is <name>.",
        "My neighbor told me that <description> is <name>.",
        "Among scholars, <description> is recognized as <name>.",
        "You may not believe it, but <description> is <name>.",
        "If you wonder who <description> is, the answer is <name>.",
        "Looking back, <description> will always be <name>.",
    ]);

    /// <summary>
    /// Fills a template. The placeholder that comes last is the completion: the prompt is the filled text before it
    /// (trailing whitespace removed) and the completion is a space, the entity and, when
    /// <paramref name="includeTail"/>, the rest of the template (e.g. the final period). A description at the very
    /// start of a sentence gets a capital first letter.
    /// </summary>
    /// <param name="template">A template with each placeholder exactly once, and a space before the last one.</param>
    /// <param name="name">The person's name.</param>
    /// <param name="description">The person's description (a lower-case noun phrase such as "the ... of ...").</param>
    /// <param name="includeTail">Append the text after the completion placeholder to the completion (training
    /// rows do; test rows end at the entity so that scoring compares just the entity).</param>
    /// <returns>The prompt/completion pair.</returns>
    /// <exception cref="ArgumentException">The template is malformed, or an entity is null or empty.</exception>
    public static PromptCompletion Fill(string template, string name, string description, bool includeTail = true)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(description);

        int nameAt = SingleIndexOf(template, NamePlaceholder);
        int descriptionAt = SingleIndexOf(template, DescriptionPlaceholder);
        bool nameLast = nameAt > descriptionAt;
        int completionAt = nameLast ? nameAt : descriptionAt;
        string completionPlaceholder = nameLast ? NamePlaceholder : DescriptionPlaceholder;
        if (completionAt == 0 || template[completionAt - 1] != ' ')
            throw new ArgumentException(
                $"Template \"{template}\" must have a space before {completionPlaceholder}.", nameof(template));

        string leadingDescription = descriptionAt == 0 ? Capitalize(description) : description;
        string prompt = template[..completionAt]
            .Replace(NamePlaceholder, name, StringComparison.Ordinal)
            .Replace(DescriptionPlaceholder, leadingDescription, StringComparison.Ordinal)
            .TrimEnd();
        string entity = nameLast ? name : description;
        string tail = includeTail ? template[(completionAt + completionPlaceholder.Length)..] : "";
        return new PromptCompletion(prompt, " " + entity + tail);
    }

    private static int SingleIndexOf(string template, string placeholder)
    {
        int first = template.IndexOf(placeholder, StringComparison.Ordinal);
        if (first < 0 || template.IndexOf(placeholder, first + placeholder.Length, StringComparison.Ordinal) >= 0)
            throw new ArgumentException($"Template \"{template}\" must contain {placeholder} exactly once.", nameof(template));
        return first;
    }

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
