using System.CommandLine;
using Reversal.FineTuning;
using Reversal.Samples.Common;
using Reversal.Samples.ReversalCurse;
using Spectre.Console;

using var signals = new StopSignals();
var defaults = new FineTuningSettings();
var data = new Option<string?>("--data") { Description = "A Berglund-layout folder (all_prompts_train.jsonl + the four *_prompts_test.jsonl) instead of generated data." };
var entities = new Option<string?>("--entities") { Description = "Berglund data: the folder with names.txt (which tells the people apart) and descriptions.txt (default: <data>/../templates)." };
var objectives = ObjectiveCatalog.CreateOption(string.Join(',', defaults.Objectives));
var finetune = new Option<string>("--finetune") { Description = "Fine-tuning modes: lora (adapters on every projection), full (every parameter) or both.", DefaultValueFactory = _ => "both" };
finetune.AcceptOnlyFromAmong([.. FineTuningModes.OptionValues]);
var output = new Option<string>("--out") { Description = "Folder that receives the pre-trained model (pretrained/), the runs (runs/), the fine-tuned adapters and models (models/<objective>-<mode>), results.md and results.json; a repeated command reuses what is there.", DefaultValueFactory = _ => defaults.OutputDirectory };
var preset = new Option<string>("--preset") { Description = "Model preset: tiny (d128, 4 layers) or small (d256, 6 layers).", DefaultValueFactory = _ => defaults.Preset };
preset.AcceptOnlyFromAmong([.. ModelPresets.Names]);
var seed = new Option<int>("--seed") { Description = "Seed of data generation, the split of the people into halves, initialisation, LoRA adapters, data order and objective randomness.", DefaultValueFactory = _ => defaults.Seed };
var threads = new Option<int>("--threads") { Description = "Compute threads.", DefaultValueFactory = _ => defaults.Threads }.AtLeast(1);
var backend = new Option<string>("--backend") { Description = "Engine: native (our CPU engine, no native dependency) or torch (TorchSharp / LibTorch 2.10).", DefaultValueFactory = _ => defaults.Backend };
backend.AcceptOnlyFromAmong([.. ModelFactory.Backends]);
var device = new Option<string>("--device") { Description = "TorchSharp device for --backend torch: cpu, cuda, cuda:1, ...", DefaultValueFactory = _ => defaults.Device };
var people = new Option<int>("--people") { Description = "Generated data: people per subset (p2d, d2p, both), split between the two halves.", DefaultValueFactory = _ => defaults.People }.AtLeast(2);
var templates = new Option<int>("--templates") { Description = "Generated data: training templates per person.", DefaultValueFactory = _ => defaults.Templates }.AtLeast(1);
var batch = new Option<int>("--batch-size") { Description = "Examples per optimizer step (pre-training and fine-tuning).", DefaultValueFactory = _ => defaults.BatchSize }.AtLeast(1);
var pretrainEpochs = new Option<int>("--pretrain-epochs") { Description = "Epochs of NTP pre-training over the pre-training half's rows.", DefaultValueFactory = _ => defaults.PretrainEpochs }.AtLeast(1);
var pretrainLearningRate = new Option<double>("--pretrain-lr") { Description = "Peak learning rate of pre-training (AdamW, 100 warm-up steps, cosine decay).", DefaultValueFactory = _ => defaults.PretrainLearningRate }.Within(0, 10);
var loraRank = new Option<int>("--lora-rank") { Description = "LoRA rank r.", DefaultValueFactory = _ => defaults.LoraRank }.AtLeast(1);
var loraAlpha = new Option<double>("--lora-alpha") { Description = "LoRA alpha (updates are scaled by alpha / r).", DefaultValueFactory = _ => defaults.LoraAlpha }.Within(0, 1e6);
var loraTrainEmbeddings = new Option<bool>("--lora-train-embeddings") { Description = "LoRA: also train the token embeddings and the head in full (PEFT's modules_to_save); the fine-tuning half's names never occur in pre-training, so without it their embeddings stay as initialised.", DefaultValueFactory = _ => defaults.LoraTrainEmbeddings };
var loraLearningRate = new Option<double>("--lora-lr") { Description = "Peak learning rate of LoRA fine-tuning.", DefaultValueFactory = _ => defaults.LoraLearningRate }.Within(0, 10);
var loraEpochs = new Option<int>("--lora-epochs") { Description = "Epochs of LoRA fine-tuning.", DefaultValueFactory = _ => defaults.LoraEpochs }.AtLeast(1);
var fullLearningRate = new Option<double>("--full-lr") { Description = "Peak learning rate of full fine-tuning.", DefaultValueFactory = _ => defaults.FullLearningRate }.Within(0, 10);
var fullEpochs = new Option<int>("--full-epochs") { Description = "Epochs of full fine-tuning.", DefaultValueFactory = _ => defaults.FullEpochs }.AtLeast(1);
var evaluateMax = new Option<int?>("--eval-max") { Description = "Evaluate only the first N rows of each test split." }.AtLeast(1);
var decodeBatch = new Option<int>("--decode-batch") { Description = "Prompts decoded together during evaluation (1: one row at a time).", DefaultValueFactory = _ => defaults.DecodingBatchSize }.AtLeast(1);

var root = new RootCommand("The reversal experiment in the papers' setting: a Llama pre-trained with NTP on the facts of half the people, then fine-tuned on the other half's facts with each objective (LoRA and/or full) and scored on that half's reversal splits.")
{
    data, entities, objectives, finetune, output, preset, seed, threads, backend, device, people, templates, batch, pretrainEpochs, pretrainLearningRate,
    loraRank, loraAlpha, loraTrainEmbeddings, loraLearningRate, loraEpochs, fullLearningRate, fullEpochs, evaluateMax, decodeBatch,
};
root.SetAction((parse, cancellationToken) =>
{
    var names = ObjectiveCatalog.ParseList(parse.GetValue(objectives)!);
    var settings = new FineTuningSettings
    {
        DataDirectory = parse.GetValue(data), EntitiesDirectory = parse.GetValue(entities), Objectives = names,
        Modes = FineTuningModes.Parse(parse.GetValue(finetune)!), OutputDirectory = parse.GetValue(output)!, Preset = parse.GetValue(preset)!,
        Seed = parse.GetValue(seed), Threads = parse.GetValue(threads), Backend = parse.GetValue(backend)!, Device = parse.GetValue(device)!,
        People = parse.GetValue(people), Templates = parse.GetValue(templates), BatchSize = parse.GetValue(batch),
        PretrainEpochs = parse.GetValue(pretrainEpochs), PretrainLearningRate = parse.GetValue(pretrainLearningRate),
        LoraRank = parse.GetValue(loraRank), LoraAlpha = parse.GetValue(loraAlpha), LoraTrainEmbeddings = parse.GetValue(loraTrainEmbeddings),
        LoraLearningRate = parse.GetValue(loraLearningRate), LoraEpochs = parse.GetValue(loraEpochs),
        FullLearningRate = parse.GetValue(fullLearningRate), FullEpochs = parse.GetValue(fullEpochs),
        EvaluateMax = parse.GetValue(evaluateMax), DecodingBatchSize = parse.GetValue(decodeBatch),
    };
    try
    {
        return Task.FromResult(new FineTuningExperiment(settings, AnsiConsole.Console).Run(cancellationToken));
    }
    catch (OperationCanceledException e)
    {
        AnsiConsole.MarkupLine($"[yellow]stopped:[/] {Markup.Escape(e.Message)}");
        AnsiConsole.MarkupLine($"[yellow]The pre-trained model and the runs finished before the stop are saved in {Markup.Escape(settings.OutputDirectory)}; repeat the same command to continue from them.[/]");
        return Task.FromResult(signals.ExitCode ?? 130);
    }
    catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidDataException or InvalidOperationException)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
        return Task.FromResult(1);
    }
});
return await CommandLineHost.InvokeAsync(root, args, signals);
