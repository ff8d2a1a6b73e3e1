namespace Reversal.Training.Data.ReversalCurse;

/// <summary>
/// A person the rows of a reversal-curse data set are about, as <see cref="PersonRowMatcher"/> recognises them: the
/// name, the description when every row states it word for word (the generator's people; null for the Berglund data,
/// whose paraphrases reword descriptions), and the order the person's facts are trained in.
/// </summary>
/// <param name="Name">The person's full name; unique in the data set.</param>
/// <param name="Description">What the person is known for, exactly as the rows state it, or null when rows are to be
/// matched by the name alone.</param>
/// <param name="Subset">The order the person's facts are trained in.</param>
public sealed record ReversalCursePerson(string Name, string? Description, PersonSubset Subset)
{
    /// <summary>The strings that identify the person in a row: the name, then the description when known.</summary>
    public IEnumerable<string> Mentions => Description is null ? [Name] : [Name, Description];

    /// <summary>The generator's person, matched by name and description.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="person"/> is null.</exception>
    public static ReversalCursePerson Of(FictitiousPerson person)
    {
        ArgumentNullException.ThrowIfNull(person);
        return new ReversalCursePerson(person.Name, person.Description, person.Subset);
    }
}
