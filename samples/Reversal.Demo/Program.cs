using System.CommandLine;
using Reversal.Demo;
using Reversal.Samples.Common;
using Reversal.Samples.ReversalCurse;
using Reversal.Training;
using Spectre.Console;

using var signals = new StopSignals();
var data = new Option<string?>("--data") { Description = "A Berglund-layout folder (all_prompts_train.jsonl + the four *_prompts_test.jsonl) instead of generated data." };
var entities = new Option<string?>("--entities") { Description = "Berglund data: the folder with names.txt and descriptions.txt that entity-preserving objectives read (default: <data>/../templates when it exists)." };
var objectives = ObjectiveCatalog.CreateOption("ntp,bico,abi");
var epochs = new Option<int>("--epochs") { Description = "Epochs over the training file per objective.", DefaultValueFactory = _ => 25 }.AtLeast(1);
var preset = new Option<string>("--preset") { Description = "Model preset: tiny (d128, 4 layers) or small (d256, 6 layers).", DefaultValueFactory = _ => "tiny" };
preset.AcceptOnlyFromAmong([.. ModelPresets.Names]);
var seeds = new Option<string>("--seeds", "--seed") { Description = "Seed, or comma-separated seeds (e.g. 1,2,3), for data generation, initialisation, data order and objective randomness; several seeds add a mean ± spread comparison.", DefaultValueFactory = _ => "1" };
var threads = new Option<int>("--threads") { Description = "Compute threads.", DefaultValueFactory = _ => Environment.ProcessorCount }.AtLeast(1);
var backend = new Option<string>("--backend") { Description = "Engine: native (our CPU engine, no native dependency) or torch (TorchSharp / LibTorch 2.10).", DefaultValueFactory = _ => "native" };
backend.AcceptOnlyFromAmong([.. ModelFactory.Backends]);
var device = new Option<string>("--device") { Description = "TorchSharp device for --backend torch: cpu, cuda, cuda:1, ...", DefaultValueFactory = _ => "cpu" };
var output = new Option<string?>("--out") { Description = "Folder that receives results.md, results.json, report.html, the trained models (models/<objective>), the tokenizer and the generated data." };
var evaluate = new Option<string?>("--evaluate") { Description = "Evaluate the models a previous run saved with --out DIR (on the chosen --backend) instead of training." };
var people = new Option<int>("--people") { Description = "Generated data: people per subset (p2d, d2p, both).", DefaultValueFactory = _ => 30 }.AtLeast(1);
var templates = new Option<int>("--templates") { Description = "Generated data: training templates per person.", DefaultValueFactory = _ => 20 }.AtLeast(1);
var batch = new Option<int>("--batch-size") { Description = "Examples per optimizer step.", DefaultValueFactory = _ => 64 }.AtLeast(1);
var learningRate = new Option<double>("--lr") { Description = "Peak learning rate (AdamW, 100 warm-up steps, cosine decay).", DefaultValueFactory = _ => 3e-3 }.Within(0, 10);
var evaluateMax = new Option<int?>("--eval-max") { Description = "Evaluate only the first N rows of each test split." }.AtLeast(1);
var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "With --out: checkpoint training every N steps (and when stopped); repeating the command resumes." }.AtLeast(1);
var decodeBatch = new Option<int>("--decode-batch") { Description = "Prompts decoded together during evaluation (1: one row at a time).", DefaultValueFactory = _ => 64 }.AtLeast(1);

var root = new RootCommand("Reversal-curse demo: trains a from-scratch Llama per objective on fictitious-people facts and scores every reversal split.")
{
    data, entities, objectives, epochs, preset, seeds, threads, backend, device, output, evaluate, people, templates, batch, learningRate, evaluateMax, decodeBatch, checkpointEvery,
};
root.SetAction((parse, cancellationToken) =>
{
    var names = ObjectiveCatalog.ParseList(parse.GetValue(objectives)!);
    if (parse.GetValue(checkpointEvery) is not null && parse.GetValue(output) is null)
    {
        AnsiConsole.MarkupLine("[red]--checkpoint-every needs --out DIR: the checkpoints are written there.[/]");
        return Task.FromResult(2);
    }
    IReadOnlyList<int> seedList;
    try
    {
        seedList = SeedList.Parse(parse.GetValue(seeds)!);
    }
    catch (FormatException e)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
        return Task.FromResult(2);
    }
    var settings = new DemoSettings
    {
        DataDirectory = parse.GetValue(data), EntitiesDirectory = parse.GetValue(entities), Objectives = names, Epochs = parse.GetValue(epochs),
        Preset = parse.GetValue(preset)!, Seeds = seedList, Threads = parse.GetValue(threads), Backend = parse.GetValue(backend)!, Device = parse.GetValue(device)!,
        OutputDirectory = parse.GetValue(output), EvaluateDirectory = parse.GetValue(evaluate),
        People = parse.GetValue(people), Templates = parse.GetValue(templates), BatchSize = parse.GetValue(batch),
        LearningRate = parse.GetValue(learningRate), EvaluateMax = parse.GetValue(evaluateMax), DecodingBatchSize = parse.GetValue(decodeBatch), CheckpointEvery = parse.GetValue(checkpointEvery),
    };
    try
    {
        return Task.FromResult(new ReversalCurseDemo(settings, AnsiConsole.Console).Run(cancellationToken));
    }
    catch (OperationCanceledException e)
    {
        AnsiConsole.MarkupLine($"[yellow]stopped:[/] {Markup.Escape(e.Message)}");
        if (settings.OutputDirectory is not null)
            AnsiConsole.MarkupLine(e is TrainingCancelledException { Checkpoint: not null }
                ? "[yellow]Runs finished before the stop are saved and the interrupted one is checkpointed; repeat the same command to resume.[/]"
                : "[yellow]Runs finished before the stop are saved; repeat the same command to continue from them (add --checkpoint-every N to keep partial training too).[/]");
        return Task.FromResult(signals.ExitCode ?? 130);
    }
    catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
        return Task.FromResult(1);
    }
});
return await CommandLineHost.InvokeAsync(root, args, signals);
