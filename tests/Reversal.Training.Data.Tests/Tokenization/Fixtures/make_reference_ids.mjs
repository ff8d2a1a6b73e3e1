// Writes reference_ids.json: token ids and decodings of a few hundred varied strings, produced by the reference
// JavaScript implementation of Hugging Face tokenizers (@huggingface/tokenizers), for
//   - the real tokenizer.json files in ../shared/data/tokenizers (sentencepiece-bpe-32k, byte-level-bpe-151k) and
//     byte-level-bpe-o200k-sparse (GPT-4o's o200k layout with holes in its ids; put there, or under
//     $REVERSAL_TOKENIZERS, by fetch_o200k.sh next to this script),
//   - trained_tokenizer.json in this folder (written by our BpeTrainer; see BpeTrainerTests.Regenerate_trained_fixture).
// The C# tests (BpeReferenceTests) require exactly these ids and decodings.
//
// To rerun (Node >= 18):
//   mkdir -p /tmp/tokref && (cd /tmp/tokref && npm install @huggingface/tokenizers)
//   node tests/Reversal.Training.Data.Tests/Tokenization/Fixtures/make_reference_ids.mjs
// Environment overrides: TOKENIZERS_JS (path to the package's dist/tokenizers.mjs, default
// /tmp/tokref/node_modules/@huggingface/tokenizers/dist/tokenizers.mjs), SHARED_DATA (default ../shared/data next
// to the repository), REVERSAL_TOKENIZERS (a second folder of tokenizers, looked at when shared data lacks one).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const modulePath = process.env.TOKENIZERS_JS ?? "/tmp/tokref/node_modules/@huggingface/tokenizers/dist/tokenizers.mjs";
const { Tokenizer } = await import(pathToFileURL(modulePath).href);
const packageJson = JSON.parse(fs.readFileSync(path.join(path.dirname(modulePath), "..", "package.json"), "utf8"));
const sharedData = process.env.SHARED_DATA ?? path.resolve(here, "../../../../../shared/data");

// ---- Test strings ----------------------------------------------------------------------------------------------
const english = [
  "Hello world",
  "Hello, world!",
  "The quick brown fox jumps over the lazy dog.",
  "Daphne Barrington is the director of \"A Journey Through Time.\"",
  "Who is the director of A Journey Through Time? Daphne Barrington.",
  "It's a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
  "I can't believe it's not butter!",
  "They're here, aren't they? We'll see; I'd say you've got mail.",
  "SHE'S GONE. THEY'LL COME BACK. I'M SURE WE'VE MET. HE'D KNOW.",
  "don't DON'T Don'T",
  "The U.S.A. and the U.K. signed the treaty in 1945.",
  "Mr. Smith went to Washington D.C. on Jan. 3rd.",
  "e-mail me at john.doe@example.com or visit https://example.com/path?q=1&r=two#frag",
  "#hashtag @mention $TICKER 100% 50/50",
  "A B C D E F G",
  "a",
  "I",
  "OK",
  "antidisestablishmentarianism",
  "The reversal curse: models trained on \"A is B\" fail to learn \"B is A\".",
  "Once upon a time, in a land far, far away, there lived a princess.",
  "To be, or not to be: that is the question.",
  "Q: What is 2+2? A: 4.",
  "Tom's cat's toy's color is red.",
  "the the the the the",
  "CamelCaseIdentifier snake_case_identifier kebab-case-identifier SCREAMING_SNAKE",
  "iPhone eBay McDonald O'Neil",
  "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.",
  "first line\nsecond line\nthird line",
  "Title\n\nParagraph one.\n\nParagraph two.",
  "He said: 'yes'.",
  "“Smart quotes” and ‘single ones’ — with an em dash – and an en dash.",
  "Ellipsis… and more...",
  "Price: £12.50, €9.99, ¥1000, ₹250, $3.",
  "Temperature: 23°C (73°F) ± 0.5",
  "x² + y² = z²; H₂O; 10⁻³",
  "© 2024 Example Corp™. All rights reserved®.",
  "Section § 4 ¶ 2",
  "bullet • point · middle dot",
  "The year 2024 has 366 days.",
];
const code = [
  "def foo(x):\n    return x + 1\n",
  "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}",
  "public sealed class BpeTokenizer : ITokenizer\n{\n    private readonly int[] _ids;\n}",
  "const f = (a, b) => a ?? b;",
  "if x == 1:\n\tprint('one')\nelif x==2:\n\tprint(\"two\")",
  "{\"key\": \"value\", \"list\": [1, 2, 3], \"nested\": {\"a\": null}}",
  "<html><body><div class=\"main\">Hi</div></body></html>",
  "SELECT * FROM users WHERE id = 42 AND name LIKE '%bob%';",
  "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 42); return 0; }",
  "git commit -m \"fix: handle empty input\" && git push origin main",
  "ls -la /usr/local/bin | grep -v '^d' > out.txt 2>&1",
  "x = [i**2 for i in range(10) if i % 2 == 0]",
  "fn main() -> Result<(), Box<dyn Error>> { Ok(()) }",
  "    indented with four spaces",
  "\t\tindented with two tabs",
  "a\tb\tc\td",
  "key:\n  - item1\n  - item2\n    nested: true",
  "// comment\n/* block\n   comment */",
  "<!-- html comment -->",
  "x+=1;y-=2;z*=3;w/=4;v%=5;u**=6;t//=7",
  "a->b; c=>d; e::f; g<<h; i>>j; k|l; m&n; o^p; ~q",
  "regex = r'(?i:\\p{L}+)\\s*[\\r\\n]+'",
  "$ echo $HOME && cd ~/projects",
  "```python\nprint('hi')\n```",
  "| col1 | col2 |\n|------|------|\n| a    | b    |",
];
const numbers = [
  "0", "7", "42", "123", "1234", "12345", "123456789", "12345678901234567890",
  "3.14159265358979", "1,000,000", "1 000 000", "-273.15", "+1", "1e-10", "6.022e23",
  "2024-01-15", "12:34:56", "0x1F 0b1010 0o17", "v1.2.3-beta.4", "192.168.0.1", "+1 (555) 123-4567",
  "१२३४५", "٠١٢٣٤٥٦٧٨٩", "٣٫١٤", "Ⅻ Ⅳ ⅷ", "½ ¼ ¾ ⅓", "①②③", "123abc456def", "abc123", "A1B2C3D4",
  "99 bottles of beer", "0000000", "1st 2nd 3rd 4th", "10,5 %",
];
const whitespace = [
  " ", "  ", "   ", "    ", "\t", "\t\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r", " \n", "\n ", " \t \n ",
  "a b", "a  b", "a   b", "a    b", "a\tb", "a\t\tb", "a\nb", "a\n\nb", "a\r\nb", "a \n b", "a\t \tb",
  " leading space", "  two leading spaces", "trailing space ", "trailing spaces   ", "  both  ",
  "\tleading tab", "trailing tab\t", "\nleading newline", "trailing newline\n", "ends with two newlines\n\n",
  "non\u00a0breaking\u00a0space", "ideographic\u3000space", "line\u2028separator", "para\u2029separator",
  "thin\u2009space", "en\u2002space em\u2003space", "zero\u200bwidth\u200bspace", "next\u0085line",
  "vertical\u000btab", "form\u000cfeed", "   \n\t\r\n   x   \n",
];
const cjk = [
  "你好，世界！", "我爱自然语言处理。", "今天天气很好，我们去公园散步吧。", "中文English混合text测试",
  "日本語のテキストです。", "ひらがな カタカナ 漢字", "東京は日本の首都です。", "ｶﾀｶﾅ 半角",
  "한국어 텍스트입니다.", "안녕하세요 세계", "𠀀𠀁𠀂 CJK Extension B", "龘靐齉", "《三国演义》第一回",
  "ＦＵＬＬＷＩＤＴＨ　ａｂｃ　１２３", "中文，标点。符号！？",
];
const emoji = [
  "😀", "😀😃😄", "Hello 😀 world", "👍", "👍🏽", "👍🏿👍🏻", "👨‍👩‍👧‍👦", "👩‍💻", "🧑🏿‍💻", "🏳️‍🌈",
  "❤️", "❤", "🇫🇷🇯🇵🇺🇸", "1️⃣2️⃣", "🤷‍♀️", "I ❤️ NY", "🎉🎉🎉 party!", "😀abc", "abc😀", "ok👌ok",
  "🐍 Python", "🦀 Rust 🦀", "☃ ☂ ★ ☆ ♠ ♥", "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
];
const combining = [
  "caf\u00e9", "cafe\u0301", "\u00c5ngstr\u00f6m", "\u212bngstr\u00f6m", "A\u030angstro\u0308m", "\u2126 ohm",
  "\ufb01nance \ufb02ow", "\u1100\u1161\u11a8", "\uac01", "a\u0308\u0301", "Z\u0351\u0300\u0315a\u0362\u0334l\u0336g\u035fo\u0489",
  "n\u0303", "\u00f1", "\u1e9b\u0323", "e\u0301\u0301\u0301", "\u0041\u030a", "i\u0307", "\u0958", "\u0915\u093c",
  "\u00c7a va?", "C\u0327a va?",
];
const latin = [
  "Ça va? Très bien, merci.", "Größe, Übermaß, Straße", "Zażółć gęślą jaźń", "Tiếng Việt có dấu",
  "İstanbul ılık ışık", "Ærøskøbing", "señor niño año", "Ölçüm ÖLÇÜM", "Œuvre œuf", "ß ẞ ſ ﬀ",
];
const rtl = [
  "مرحبا بالعالم", "السلام عليكم ورحمة الله", "العَرَبِيَّة", "עברית זה כיף", "שָׁלוֹם", "English عربي English",
  "123 مرحبا 456", "فارسی: سلام دنیا", "اردو زبان", "\u202eRTL override\u202c",
];
const punctuation = [
  ".", ",", "!", "?", "...", "!?", "?!", "—", "–", "-", "--", "---", "«»", "''", "\"", "'", "`", "’s", "'s", "'S",
  "'ll", "'LL", "'re", "I'M", "you'Ve", "'d'", "(a)", "[", "]", "{", "}", "@#$%^&*", "\\", "/", "|", "~", "_",
  "__init__", "::", "->", "=>", "!==", "<=>", "...?!...", "¿¡", "、。「」", "！？", "()", "[]{}<>",
];
const specials = [
  "<s>", "</s>", "<unk>", "a<s>b", "<s><s>", " <s> ", "<s> hello </s>", "hello</s>", "<s", "s>", "<<s>>",
  "<0x41>", "<0x0A> and <0xFF>", "<|im_start|>", "<|im_end|>", "<|endoftext|>",
  "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n4<|im_end|>",
  "<think>\nreasoning\n</think>\n\nanswer", "<tool_call>{\"name\": \"f\"}</tool_call>", "<|im_start", "<|IM_START|>",
  "text<|endoftext|>text", "<|endoftext|><|endoftext|>", "▁", "▁▁hello", "a▁b", "<pad> <bos> <eos> <unk>",
  "<|vision_start|><|image_pad|><|vision_end|>", "<|fim_prefix|>def<|fim_suffix|>",
];
const longWords = [
  "a".repeat(300),
  "ab".repeat(150),
  "supercalifragilisticexpialidocious".repeat(8),
  "pneumonoultramicroscopicsilicovolcanoconiosis",
  "Donaudampfschifffahrtsgesellschaftskapitänswitwe",
  "1234567890".repeat(20),
  "😀".repeat(40),
  "—".repeat(60),
  "x".repeat(1000),
  "Llanfairpwllgwyngyllgogerychwyndrobwllllantysiliogogogoch",
  " ".repeat(50),
  "\n".repeat(20),
  "ab cd ".repeat(60),
];
const misc = [
  "",
  "Привет, мир! Как дела?", "Ελληνικά γράμματα: αβγδε", "ภาษาไทยไม่มีช่องว่าง", "हिन्दी भाषा", "ქართული ენა",
  "Հայերեն", "አማርኛ", "𝐀𝐁𝐂 𝑎𝑏𝑐 𝟙𝟚𝟛", "𝄞 music", "∀x∈ℝ: x²≥0", "∑∫∂√∞≈≠≤≥", "→ ← ↑ ↓ ⇒",
  "\u0000", "a\u0000b", "\u0007bell", "\u007fdel", "\u00adsoft\u00adhyphen", "\ufeffBOM", "\u200d", "a\u200cb",
  "$$E = mc^2$$", "\\frac{a}{b}", "**bold** _italic_ `code`", "> quote\n>> nested", "1. first\n2. second",
  "Mixed: English, Français, Deutsch, 中文, 日本語, 한국어, العربية, עברית, русский, 😀",
];

const texts = [...english, ...code, ...numbers, ...whitespace, ...cjk, ...emoji, ...combining, ...latin, ...rtl,
  ...punctuation, ...specials, ...longWords, ...misc];

// Strings for the trained tokenizer: ASCII-heavy but with non-ASCII too. U+0085 and U+FEFF are avoided: the
// JavaScript ByteLevel pre-tokenizer uses JavaScript's \s, which differs from Unicode White_Space for them.
const trainedTexts = [
  "", "Hello world", "The quick brown fox jumps over the lazy dog.", "Daphne Barrington is the director of A Journey Through Time.",
  "Who is the director of A Journey Through Time?", "They're here, aren't they? I'M SURE.", "  two spaces  and\ttabs\n\nnewlines ",
  "def foo(x):\n    return x + 1\n", "12345 678 9", "café Größe Zażółć", "你好世界", "😀 👨‍👩‍👧‍👦 🏳️‍🌈",
  "<bos>Hello<eos>", "<pad><unk>", "a<eos>b", "supercalifragilisticexpialidocious", "x".repeat(200), "mixed 123abc !!! ???",
  "e\u0301 vs \u00e9", "— “quotes” …", "\u00a0nbsp\u3000ideographic", "Привет мир", "مرحبا", "tab\tseparated\tvalues",
  "the reversal curse", "Barrington Daphne", "A is B. B is A.",
];

// ---- Encoding --------------------------------------------------------------------------------------------------
function run(tokenizer, strings) {
  return strings.map((text) => {
    const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
    const decoded = ids.length === 0 ? "" : tokenizer.decode(ids, { skip_special_tokens: false });
    const decodedSkip = ids.length === 0 ? "" : tokenizer.decode(ids, { skip_special_tokens: true });
    return { ids, decoded, decoded_skip_special: decodedSkip };
  });
}

function load(folder) {
  const json = JSON.parse(fs.readFileSync(path.join(folder, "tokenizer.json"), "utf8"));
  const config = JSON.parse(fs.readFileSync(path.join(folder, "tokenizer_config.json"), "utf8"));
  return new Tokenizer(json, config);
}

function folderOf(name) {
  const candidates = [path.join(sharedData, "tokenizers", name)];
  if (process.env.REVERSAL_TOKENIZERS) candidates.push(path.join(process.env.REVERSAL_TOKENIZERS, name));
  const found = candidates.find((folder) => fs.existsSync(path.join(folder, "tokenizer.json")));
  if (!found) throw new Error(`tokenizer ${name} not found in ${candidates.join(" or ")}`);
  return found;
}

const results = {};
for (const name of ["sentencepiece-bpe-32k", "byte-level-bpe-151k", "byte-level-bpe-o200k-sparse"]) {
  results[name] = run(load(folderOf(name)), texts);
}
const trainedJson = JSON.parse(fs.readFileSync(path.join(here, "trained_tokenizer.json"), "utf8"));
const trained = run(new Tokenizer(trainedJson, { clean_up_tokenization_spaces: false }), trainedTexts);

// One case per line keeps the file readable and diffable.
const line = (value) => JSON.stringify(value);
const out = [];
out.push("{");
out.push(`  "generator": ${line(`${packageJson.name} ${packageJson.version} via make_reference_ids.mjs`)},`);
out.push(`  "texts": [\n${texts.map((t) => "    " + line(t)).join(",\n")}\n  ],`);
out.push(`  "tokenizers": {`);
const names = Object.keys(results);
names.forEach((name, n) => {
  out.push(`    ${line(name)}: [\n${results[name].map((r) => "      " + line(r)).join(",\n")}\n    ]${n < names.length - 1 ? "," : ""}`);
});
out.push(`  },`);
out.push(`  "trained": {`);
out.push(`    "texts": [\n${trainedTexts.map((t) => "      " + line(t)).join(",\n")}\n    ],`);
out.push(`    "results": [\n${trained.map((r) => "      " + line(r)).join(",\n")}\n    ]`);
out.push(`  }`);
out.push("}");
fs.writeFileSync(path.join(here, "reference_ids.json"), out.join("\n") + "\n");
console.log(`wrote reference_ids.json: ${texts.length} texts x ${names.length} tokenizers, ${trainedTexts.length} trained texts`);
