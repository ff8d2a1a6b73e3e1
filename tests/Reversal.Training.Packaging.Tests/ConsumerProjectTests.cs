using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Reversal.Training.Packaging.Tests;

/// <summary>
/// What a package consumer meets: <c>dotnet pack</c> produces every package, and a fresh project that references only
/// the <c>Reversal.Training</c> meta-package from a local folder feed builds and runs the README's API example, copied
/// verbatim from the README.
/// </summary>
[NonParallelizable]
public partial class ConsumerProjectTests
{
    private static readonly string[] Packages =
    [
        "Reversal.Training", "Reversal.Training.Core", "Reversal.Training.Engine", "Reversal.Training.Objectives",
        "Reversal.Training.Data", "Reversal.Training.Data.MicrosoftML", "Reversal.Training.Evaluation", "Reversal.Training.TorchSharp",
        "Reversal.Training.Reports",
    ];

    [Test]
    public void The_packed_meta_package_builds_and_runs_the_README_API_example()
    {
        string root = RepositoryRoot.Find();
        string configuration = new DirectoryInfo(TestContext.CurrentContext.TestDirectory).Parent!.Name; // bin/{Configuration}/net10.0
        string version = Version(root);
        using var temp = new TempDirectory();
        string feed = temp.File("feed");

        Run(root, "dotnet", "pack", Path.Combine(root, "Reversal.Training.slnx"), "--no-build", "-c", configuration, "-o", feed);
        foreach (string package in Packages)
        {
            Assert.That(File.Exists(Path.Combine(feed, $"{package}.{version}.nupkg")), Is.True, $"{package}.{version}.nupkg");
            if (package != "Reversal.Training")
                Assert.That(File.Exists(Path.Combine(feed, $"{package}.{version}.snupkg")), Is.True, $"{package}.{version}.snupkg (symbols)");
        }
        Assert.That(Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName), Has.None.Contains(".Tests."), "no test project is packed");

        string consumer = temp.File("consumer");
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <NoWarn>$(NoWarn);NU1603;NU1900</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Reversal.Training" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        // Our packages come from the folder feed into a private cache (never the machine's cache, so a rebuilt 0.1.0
        // is never shadowed by a stale one); third-party packages are reused from the machine's cache when present.
        string machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var sources = XDocument.Load(Path.Combine(root, "nuget.config")).Descendants("packageSources").Elements("add")
            .Select(e => $"    <add key=\"{e.Attribute("key")!.Value}\" value=\"{e.Attribute("value")!.Value}\" />");
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{temp.File("packages")}" /></config>
              <fallbackPackageFolders><add key="machine" value="{machineCache}" /></fallbackPackageFolders>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
            {string.Join('\n', sources)}
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ReadmeApiExample(root));

        string output = Run(consumer, "dotnet", "run", "-c", "Release");
        Assert.That(output, Does.Contain("p2d_reverse"), "the example prints the reversal splits");
    }

    /// <summary>The C# block that follows <c>&lt;!-- api-example --&gt;</c> in README.md.</summary>
    private static string ReadmeApiExample(string root)
    {
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var match = ApiExample().Match(readme);
        Assert.That(match.Success, Is.True, "README.md has a ```csharp block after <!-- api-example -->");
        return match.Groups[1].Value;
    }

    private static string Version(string root)
    {
        var version = XDocument.Load(Path.Combine(root, "Directory.Build.props")).Descendants("Version").FirstOrDefault()?.Value;
        Assert.That(version, Is.Not.Null.And.Not.Empty, "Directory.Build.props sets <Version>");
        return version!;
    }

    private static string Run(string workingDirectory, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10))) { process.Kill(entireProcessTree: true); Assert.Fail($"{file} {string.Join(' ', arguments)} timed out."); }
        Assert.That(process.ExitCode, Is.EqualTo(0), $"{file} {string.Join(' ', arguments)} failed:\n{output}\n{error.Result}");
        return output;
    }

    [GeneratedRegex(@"<!-- api-example -->\s*```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ApiExample();
}
