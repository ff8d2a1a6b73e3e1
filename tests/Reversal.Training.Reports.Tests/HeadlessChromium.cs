using System.Diagnostics;

namespace Reversal.Training.Reports.Tests;

/// <summary>Runs Debian's Chromium headless (installed by <c>.ci/install-chromium</c>; <c>CHROMIUM</c> overrides the path).</summary>
internal static class HeadlessChromium
{
    /// <summary>The Chromium executable, or null when none is installed.</summary>
    public static string? Find()
    {
        string? configured = Environment.GetEnvironmentVariable("CHROMIUM");
        if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? configured : null;
        return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Skips the calling test where Chromium is absent on a developer machine; fails it under CI (<c>CI=true</c>), where
    /// <c>.ci/install-chromium</c> must have installed it.
    /// </summary>
    public static string Require()
    {
        string? chromium = Find();
        if (chromium is not null) return chromium;
        const string message = "Chromium is not installed (apt-get install -y chromium, or run .ci/install-chromium).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(message);
        Assert.Ignore(message);
        return "";
    }

    /// <summary>Runs Chromium headless with <paramref name="arguments"/> (plus the flags every run needs) and returns its
    /// standard output; fails the test on a non-zero exit or after two minutes.</summary>
    public static string Run(string chromium, params string[] arguments)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
        foreach (string flag in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run" })
            start.ArgumentList.Add(flag);
        start.ArgumentList.Add($"--user-data-dir={Path.Combine(Path.GetTempPath(), "reversal-chromium-" + Guid.NewGuid().ToString("N"))}");
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {chromium}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("Chromium did not finish within two minutes.");
        }
        if (process.ExitCode != 0) Assert.Fail($"Chromium exited with {process.ExitCode}: {error.Result}");
        return output.Result;
    }
}
