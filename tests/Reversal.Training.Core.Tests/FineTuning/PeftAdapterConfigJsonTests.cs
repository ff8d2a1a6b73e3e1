using System.Text.Json;
using Reversal.Training.FineTuning;
using Reversal.Training.Models;
using Reversal.Training.Serialization;

namespace Reversal.Training.Core.Tests.FineTuning;

public class PeftAdapterConfigJsonTests
{
    [Test]
    public void Serialize_writes_PEFTs_fields_and_parses_back_to_the_same_config()
    {
        var config = new LoraConfig { Rank = 32, Alpha = 16, Dropout = 0.05, TargetModules = ["q_proj", "v_proj"], ModulesToSave = ["embed_tokens", "lm_head"], BaseModelNameOrPath = "meta-llama/Llama-2-7b-hf" };
        string json = PeftAdapterConfigJson.Serialize(config);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.That(root.GetProperty("peft_type").GetString(), Is.EqualTo("LORA"));
        Assert.That(root.GetProperty("task_type").GetString(), Is.EqualTo("CAUSAL_LM"));
        Assert.That(root.GetProperty("bias").GetString(), Is.EqualTo("none"));
        Assert.That(root.GetProperty("r").GetRawText(), Is.EqualTo("32"));
        Assert.That(root.GetProperty("lora_alpha").GetRawText(), Is.EqualTo("16"), "an integral alpha is written as PEFT writes it");
        Assert.That(root.GetProperty("lora_dropout").GetDouble(), Is.EqualTo(0.05));
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(PeftAdapterConfigJson.Parse(json), Is.EqualTo(config));
        Assert.That(PeftAdapterConfigJson.Parse(PeftAdapterConfigJson.Serialize(new LoraConfig())).ModulesToSave, Is.Empty, "modules_to_save null reads as none");
    }

    [Test]
    public void Missing_peft_type_and_wrong_types_name_the_field()
    {
        var ex = Assert.Throws<CheckpointFormatException>(() => PeftAdapterConfigJson.Parse("""{"r": 8, "lora_alpha": 16, "target_modules": ["q_proj"]}""", "x/adapter_config.json"))!;
        Assert.That((ex.FilePath, ex.Field), Is.EqualTo(("x/adapter_config.json", "peft_type")));
        ex = Assert.Throws<CheckpointFormatException>(() => PeftAdapterConfigJson.Parse("""{"peft_type": "LORA", "r": "8", "lora_alpha": 16, "target_modules": ["q_proj"]}"""))!;
        Assert.That(ex.Field, Is.EqualTo("r"));
        ex = Assert.Throws<CheckpointFormatException>(() => PeftAdapterConfigJson.Parse("""{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": []}"""))!;
        Assert.That(ex.Field, Is.EqualTo("target_modules"));
        ex = Assert.Throws<CheckpointFormatException>(() => PeftAdapterConfigJson.Parse("""{"peft_type": "LORA", "r": 8, "r": 9, "lora_alpha": 16, "target_modules": ["q_proj"]}"""))!;
        Assert.That(ex.Message, Does.Contain("r"));
    }

    [Test]
    public void The_layout_names_and_shapes_follow_PEFT()
    {
        var model = new LlamaConfig { VocabSize = 10, HiddenSize = 8, IntermediateSize = 12, NumHiddenLayers = 2, NumAttentionHeads = 2, NumKeyValueHeads = 1 };
        var layout = LoraLayout.Resolve(model, new LoraConfig { Rank = 3, TargetModules = ["k_proj", "layers.1.mlp.down_proj"], ModulesToSave = ["lm_head"] });
        var tensors = layout.PeftTensors().ToDictionary(t => t.Key, t => t.Value);
        Assert.That(tensors.Keys, Is.EqualTo(new[]
        {
            "base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight", "base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight",
            "base_model.model.model.layers.1.self_attn.k_proj.lora_A.weight", "base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight",
            "base_model.model.model.layers.1.mlp.down_proj.lora_A.weight", "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight",
            "base_model.model.lm_head.weight",
        }));
        Assert.That(tensors["base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight"], Is.EqualTo(new[] { 3, 8 }));
        Assert.That(tensors["base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight"], Is.EqualTo(new[] { 4, 3 }));
        Assert.That(tensors["base_model.model.model.layers.1.mlp.down_proj.lora_A.weight"], Is.EqualTo(new[] { 3, 12 }));
        Assert.That(tensors["base_model.model.lm_head.weight"], Is.EqualTo(new[] { 10, 8 }));
        var ex = Assert.Throws<ArgumentException>(() => LoraLayout.Resolve(model, new LoraConfig { TargetModules = ["q_proj"], ModulesToSave = ["layers.0.self_attn"] }))!;
        Assert.That(ex.Message, Does.Contain("q_proj"), "a saved module may not contain an adapted projection");
    }
}
