using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Evaluation.Scoring;

namespace Reversal.Training.Evaluation.ReverseModelling;

/// <summary>
/// Scores documents by reverse modelling (Yu et al., arXiv 2410.09817): <c>S = L_fwd − L_rev</c>, the mean per-token
/// loss of a forward model on the document minus that of a reverse model (trained on token-reversed text, e.g. with
/// <c>ReversedObjective</c>) on the reversed document. Selecting the highest-S data for continued pre-training beat
/// random and lowest-S selections in the paper.
/// </summary>
/// <remarks>
/// <para><b>Both means cover the same tokens.</b> Each direction is scored after a BOS: a document that starts with BOS
/// keeps it (it stays first when reversed, <see cref="TokenSequence.Reversed"/>); one that does not gets BOS prepended
/// for scoring, in both directions. So the forward mean covers every token after BOS (content and a trailing EOS) and
/// the reverse mean covers exactly the same tokens in reverse order. (Scoring a BOS-less document from its own first
/// token would leave out its first token forward and its last token in reverse: two different token sets.) The models
/// should therefore be trained on BOS-prefixed sequences, as <c>PromptCompletionEncoder</c> produces them.</para>
/// <para>Both models must share the tokenizer.</para>
/// </remarks>
public sealed class ReverseModellingScorer
{
    private readonly SequenceScorer _forward;
    private readonly SequenceScorer _reverse;
    private readonly SpecialTokenIds _specialTokens;

    /// <summary>Creates the scorer.</summary>
    /// <exception cref="ArgumentException">The models' vocabularies differ.</exception>
    public ReverseModellingScorer(ICausalLanguageModel forwardModel, ICausalLanguageModel reverseModel, SpecialTokenIds specialTokens, int batchSize = SequenceScorer.DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(forwardModel);
        ArgumentNullException.ThrowIfNull(reverseModel);
        ArgumentNullException.ThrowIfNull(specialTokens);
        if (forwardModel.VocabSize != reverseModel.VocabSize)
            throw new ArgumentException($"The forward model has {forwardModel.VocabSize} ids and the reverse model {reverseModel.VocabSize}: they must share the tokenizer.", nameof(reverseModel));
        _forward = new SequenceScorer(forwardModel, batchSize);
        _reverse = new SequenceScorer(reverseModel, batchSize);
        _specialTokens = specialTokens;
    }

    /// <summary>The score of every document, in input order.</summary>
    /// <exception cref="ArgumentException">No documents, a document with no token after its BOS (the message names it), or
    /// a document too long for a model.</exception>
    public IReadOnlyList<DocumentQualityScore> Score(IReadOnlyList<TokenSequence> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0) throw new ArgumentException("There are no documents to score.", nameof(documents));
        var forward = new PromptCompletionIds[documents.Count];
        var reverse = new PromptCompletionIds[documents.Count];
        for (int i = 0; i < documents.Count; i++)
        {
            var document = documents[i] ?? throw new ArgumentException($"Document {i} is null.", nameof(documents));
            if (document.Ids[0] != _specialTokens.Bos) document = new TokenSequence([_specialTokens.Bos, .. document.Ids]);
            if (document.Length < 2) throw new ArgumentException($"Document {i} has no token after its BOS to score.", nameof(documents));
            forward[i] = Split(document);
            reverse[i] = Split(document.Reversed(_specialTokens));
        }
        var forwardLoss = _forward.MeanTokenLosses(forward, cancellationToken);
        var reverseLoss = _reverse.MeanTokenLosses(reverse, cancellationToken);
        return Enumerable.Range(0, documents.Count).Select(i => new DocumentQualityScore(i, forwardLoss[i], reverseLoss[i])).ToArray();
    }

    /// <summary>The documents' scores from highest S (preferred data) to lowest; ties keep input order.</summary>
    public IReadOnlyList<DocumentQualityScore> Rank(IReadOnlyList<TokenSequence> documents, CancellationToken cancellationToken = default) =>
        Score(documents, cancellationToken).OrderByDescending(s => s.Score).ThenBy(s => s.Index).ToArray();

    /// <summary>BOS as prompt, every later token as the scored completion.</summary>
    private static PromptCompletionIds Split(TokenSequence document) => new(document.Ids[..1], document.Ids[1..]);
}
