namespace Reversal.Training.Data.Lema;

/// <summary>A model reply the LEMA pipeline dropped, with the reason.</summary>
/// <param name="ProblemIndex">0-based index of the problem (in the list given to <see cref="LemaPipeline.RunAsync"/>).</param>
/// <param name="Role">Who wrote the reply.</param>
/// <param name="Reason">Why it was dropped.</param>
/// <param name="Detail">The reason as a sentence (e.g. the parser's message, or the wrong answer found).</param>
/// <param name="Excerpt">The start of the reply (at most <see cref="ExcerptLength"/> characters).</param>
public sealed record DroppedReply(int ProblemIndex, LemaRole Role, DropReason Reason, string Detail, string Excerpt)
{
    /// <summary>The longest excerpt kept of a dropped reply.</summary>
    public const int ExcerptLength = 300;

    /// <summary>The start of <paramref name="reply"/> as an excerpt ("" for null).</summary>
    public static string ExcerptOf(string? reply)
        => reply is null ? "" : reply.Length <= ExcerptLength ? reply : reply[..ExcerptLength] + "…";
}
