using System.CommandLine;
using Reversal.Training.Objectives;

namespace Reversal.Samples.ReversalCurse;

/// <summary>
/// Every objective and recipe the reversal-curse samples train, by name: one table of name → objective, decoders and
/// description. Short names are the recipe each paper trains; <c>+</c> joins combinations; <c>-only</c> is an objective
/// on its own.
/// </summary>
public static class ObjectiveCatalog
{
    /// <summary>Longest random segment (in words) of <c>rt-segment</c>.</summary>
    public const int SegmentWords = 5;

    public static IReadOnlyList<CatalogEntry> Entries { get; } =
    [
        new("ntp", "next-token prediction (the curse)",
            _ => new NextTokenPrediction()),
        new("bico", "BICO recipe: NTP ½ + BICO mask denoising ½ (rate 0.15, mirrored RoPE)",
            _ => Objective.BicoRecipe(maskRate: 0.15)),
        new("bico-only", "BICO mask denoising alone",
            _ => new Bico(maskRate: 0.15)),
        new("abi", "ABI recipe: NTP ½ + GLM blank infilling ½; also scored with infill decoding",
            c => Objective.AbiRecipe(c.InfillTokens), InfillDecoding: true),
        new("abi-only", "GLM blank infilling alone; also scored with infill decoding",
            c => new BlankInfilling(c.InfillTokens), InfillDecoding: true),
        new("mlm-u", "MLM-U alone: mask rate ~ U[0,1) per sequence, mirrored-RoPE bidirectional attention",
            _ => new MlmU()),
        new("mlm-u+ntp", "NTP ½ + MLM-U ½",
            _ => Objective.MlmURecipe()),
        new("rt-token", "reverse training: NTP ½ + token-reversed NTP ½",
            _ => Objective.ReverseTrainingRecipe(TokenReversal.Instance)),
        new("rt-word", "reverse training: NTP ½ + word-reversed NTP ½",
            c => Objective.ReverseTrainingRecipe(new WordReversal(c.Words))),
        new("rt-entity", "reverse training: NTP ½ + entity-preserving reversed NTP ½ (names and descriptions kept in order)",
            c => Objective.ReverseTrainingRecipe(new EntityPreservingReversal(c.Words)), NeedsEntities: true),
        new("rt-segment", $"reverse training: NTP ½ + random-segment reversed NTP ½ (1..{SegmentWords} words, [REV] between segments)",
            c => Objective.ReverseTrainingRecipe(new RandomSegmentReversal(SegmentWords, c.SegmentSeparator ?? throw new InvalidOperationException($"The tokenizer has no {RandomSegmentReversal.SeparatorTokenText} token for rt-segment."), c.Words))),
        new("bico+rt-entity", "NTP ⅓ + BICO ⅓ + entity-preserving reversed NTP ⅓",
            c => Objective.BicoRecipe(maskRate: 0.15).WithReverseTraining(new EntityPreservingReversal(c.Words)), NeedsEntities: true),
        new("mlm-u+rt-entity", "NTP ⅓ + MLM-U ⅓ + entity-preserving reversed NTP ⅓",
            c => Objective.MlmURecipe().WithReverseTraining(new EntityPreservingReversal(c.Words)), NeedsEntities: true),
    ];

    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Name).ToArray();

    /// <summary>The special tokens the catalogue's objectives need in the tokenizer: GLM's [MASK], [sop], [eop] and the [REV] separator.</summary>
    public static IReadOnlyList<string> SpecialTokenTexts { get; } = [.. BlankInfillingTokens.TokenTexts, RandomSegmentReversal.SeparatorTokenText];

    /// <summary>Parses a comma-separated <c>--objectives</c> value: catalogue names, each at most once, in the given order.</summary>
    /// <exception cref="FormatException">The list is empty, or names an unknown objective or one twice; the message names the option and the catalogue.</exception>
    public static IReadOnlyList<string> ParseList(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !Names.Contains(n)).ToArray();
        if (names.Length == 0 || unknown.Length > 0 || names.Distinct().Count() != names.Length)
            throw new FormatException($"--objectives: unknown or repeated objective(s) {string.Join(", ", unknown)}; choose each at most once from {string.Join(", ", Names)}.");
        return names;
    }

    /// <summary>The entry named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such entry.</exception>
    public static CatalogEntry Find(string name) =>
        Entries.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"Unknown objective '{name}'; choose from {string.Join(", ", Names)}.", nameof(name));

    /// <summary>
    /// The <c>--objectives</c> option: a comma-separated list of catalogue names, checked by <see cref="ParseList"/> when
    /// the command line is parsed, so a bad list is refused before any work, naming the option.
    /// </summary>
    public static Option<string> CreateOption(string defaultList)
    {
        var option = new Option<string>("--objectives") { Description = Help(), DefaultValueFactory = _ => defaultList };
        option.Validators.Add(result =>
        {
            try
            {
                ParseList(result.GetValueOrDefault<string>());
            }
            catch (FormatException e)
            {
                result.AddError(e.Message);
            }
        });
        return option;
    }

    /// <summary>The <c>--help</c> text: one line per entry.</summary>
    public static string Help() =>
        "Comma-separated objectives to train:\n" + string.Join("\n", Entries.Select(e => $"  {e.Name,-16} {e.Description}"));
}
