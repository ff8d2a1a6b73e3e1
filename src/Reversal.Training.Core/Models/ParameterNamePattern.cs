namespace Reversal.Training.Models;

/// <summary>
/// A pattern over dotted parameter names (<c>model.layers.0.self_attn.q_proj.weight</c>), used to freeze or select
/// parameters. <c>*</c> matches any run of characters (dots included) and <c>?</c> exactly one; everything else matches
/// itself (ordinal). A pattern matches a name when it matches the whole name, or the name of a module containing it:
/// <c>model.embed_tokens</c> and <c>model.layers.*.mlp</c> select every parameter of those modules, <c>*.q_proj.*</c>
/// every query projection.
/// </summary>
public sealed class ParameterNamePattern
{
    private readonly string _pattern;

    /// <summary>Creates the pattern.</summary>
    /// <exception cref="ArgumentException">The pattern is empty, white space, or starts or ends with a dot.</exception>
    public ParameterNamePattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (pattern.StartsWith('.') || pattern.EndsWith('.'))
            throw new ArgumentException($"Parameter name pattern '{pattern}' starts or ends with a dot; write a module or parameter path such as 'model.embed_tokens'.", nameof(pattern));
        _pattern = pattern;
    }

    /// <summary>The pattern text.</summary>
    public override string ToString() => _pattern;

    /// <summary>True when the pattern matches <paramref name="name"/> or one of its enclosing module paths.</summary>
    public bool Matches(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Glob(_pattern, name)) return true;
        for (int dot = name.LastIndexOf('.'); dot > 0; dot = name.LastIndexOf('.', dot - 1))
            if (Glob(_pattern, name[..dot])) return true;
        return false;
    }

    /// <summary>
    /// The parameters of <paramref name="names"/> that any of <paramref name="patterns"/> matches.
    /// </summary>
    /// <exception cref="ArgumentException">No pattern was given, or a pattern matches no name (a typo would otherwise
    /// silently freeze or train nothing); the message names the pattern.</exception>
    public static HashSet<string> Select(IEnumerable<string> names, IReadOnlyList<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(patterns);
        if (patterns.Count == 0) throw new ArgumentException("At least one parameter name pattern is needed.", nameof(patterns));
        var compiled = patterns.Select(p => new ParameterNamePattern(p)).ToArray();
        var all = names.ToArray();
        var selected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in compiled)
        {
            bool any = false;
            foreach (string name in all)
                if (pattern.Matches(name)) { selected.Add(name); any = true; }
            if (!any)
                throw new ArgumentException($"Parameter name pattern '{pattern}' matches no parameter of the model (for example '{all.FirstOrDefault()}').", nameof(patterns));
        }
        return selected;
    }

    /// <summary>Iterative glob with <c>*</c> backtracking (linear in practice, never exponential).</summary>
    private static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t])) { p++; t++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
