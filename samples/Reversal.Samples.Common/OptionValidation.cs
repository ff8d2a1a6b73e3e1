using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Reversal.Samples.Common;

/// <summary>
/// Range checks for numeric command-line options, reported by System.CommandLine as parse errors that name the option
/// (<c>--threads must be ≥ 1, got 0.</c>) before any work starts.
/// </summary>
public static class OptionValidation
{
    /// <summary>Refuses values below <paramref name="minimum"/>.</summary>
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < minimum) result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be >= {minimum}, got {value}."));
        });
        return option;
    }

    /// <summary>Refuses values below <paramref name="minimum"/> when the option is given.</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is int value && value < minimum)
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be >= {minimum}, got {value}."));
        });
        return option;
    }

    /// <summary>Refuses values outside <c>(<paramref name="exclusiveMinimum"/>, <paramref name="inclusiveMaximum"/>]</c>, NaN and infinity.</summary>
    public static Option<double> Within(this Option<double> option, double exclusiveMinimum, double inclusiveMaximum)
    {
        option.Validators.Add(result =>
        {
            double value = result.GetValueOrDefault<double>();
            if (!(value > exclusiveMinimum && value <= inclusiveMaximum))
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be in ({exclusiveMinimum}, {inclusiveMaximum}], got {value}."));
        });
        return option;
    }

    /// <summary>Refuses values outside <c>[<paramref name="minimum"/>, <paramref name="maximum"/>]</c>, NaN and infinity.</summary>
    public static Option<float> InRange(this Option<float> option, float minimum, float maximum)
    {
        option.Validators.Add(result =>
        {
            float value = result.GetValueOrDefault<float>();
            if (!(value >= minimum && value <= maximum))
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be in [{minimum}, {maximum}], got {value}."));
        });
        return option;
    }
}
