using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Reversal.Training.Reports.Html;

/// <summary>Small helpers that write escaped HTML.</summary>
internal static partial class HtmlText
{
    /// <summary>HTML-escapes <paramref name="text"/>.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Appends a table with a header row and body rows; every cell is escaped.</summary>
    public static void Table(StringBuilder html, string cssClass, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        html.Append("<table class=\"").Append(cssClass).Append("\"><thead><tr>");
        foreach (string cell in header) html.Append("<th>").Append(Escape(cell)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (string cell in row) html.Append("<td>").Append(Escape(cell)).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>\n");
    }

    /// <summary>
    /// The <c>&lt;svg&gt;</c> element of an SVG document (any XML declaration before it dropped), with every element id
    /// and every local reference to one (<c>url(#id)</c>, <c>href="#id"</c>) prefixed by <paramref name="idPrefix"/>, so
    /// that several charts inline in one page never share an id (a clip path would otherwise resolve to another chart's).
    /// </summary>
    /// <exception cref="ArgumentException">The text holds no <c>&lt;svg</c> element.</exception>
    public static string SvgElement(string svgDocument, string idPrefix)
    {
        int start = svgDocument.IndexOf("<svg", StringComparison.Ordinal);
        if (start < 0) throw new ArgumentException("The chart renderer returned no <svg> element.", nameof(svgDocument));
        string svg = svgDocument[start..].Trim();
        svg = IdAttribute().Replace(svg, m => $"{m.Groups[1].Value}=\"{idPrefix}-{m.Groups[2].Value}\"");
        svg = LocalReference().Replace(svg, m => $"url(#{idPrefix}-{m.Groups[1].Value})");
        return LocalHref().Replace(svg, m => $"{m.Groups[1].Value}=\"#{idPrefix}-{m.Groups[2].Value}\"");
    }

    [GeneratedRegex("\\b(id)=\"([^\"]+)\"")]
    private static partial Regex IdAttribute();

    [GeneratedRegex("url\\(#([^)]+)\\)")]
    private static partial Regex LocalReference();

    [GeneratedRegex("\\b((?:xlink:)?href)=\"#([^\"]+)\"")]
    private static partial Regex LocalHref();
}
