#!/usr/bin/env bash
# Downloads MNIST's four IDX files (gzip-compressed, as gradsweep reads them) into a
# folder and checks each file's SHA-256 before keeping it.
#
#   scripts/fetch-mnist.sh [DIR]        # default DIR: data/mnist
#
# Mirrors are tried in order; set MNIST_MIRROR=URL (ending in /) to try yours first.
# A file already present with the right checksum is not downloaded again. Exits
# non-zero, keeping no partial or corrupt file, when a file cannot be fetched intact.
#
# The checksums are those published with torchvision's and TensorFlow's MNIST loaders
# (the same files as LeCun, Cortes & Burges' original distribution).
set -euo pipefail

dir="${1:-data/mnist}"
mirrors=(
  ${MNIST_MIRROR:+"$MNIST_MIRROR"}
  "https://ossci-datasets.s3.amazonaws.com/mnist/"
  "https://storage.googleapis.com/cvdf-datasets/mnist/"
)
files=(
  "train-images-idx3-ubyte.gz 440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
  "train-labels-idx1-ubyte.gz 3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
  "t10k-images-idx3-ubyte.gz 8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
  "t10k-labels-idx1-ubyte.gz f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
)

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    echo "fetch-mnist: need sha256sum or shasum to check the files" >&2
    exit 2
  fi
}

download() {  # URL DEST
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --retry 2 --connect-timeout 20 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --tries=3 --timeout=20 -O "$2" "$1"
  else
    echo "fetch-mnist: need curl or wget to download" >&2
    exit 2
  fi
}

mkdir -p "$dir"
failed=0
for entry in "${files[@]}"; do
  name="${entry%% *}"
  expected="${entry##* }"
  target="$dir/$name"
  if [[ -f "$target" && "$(sha256 "$target")" == "$expected" ]]; then
    echo "ok        $target (already present, checksum verified)"
    continue
  fi
  fetched=0
  for mirror in "${mirrors[@]}"; do
    part="$target.part"
    rm -f "$part"
    if ! download "$mirror$name" "$part" 2>/dev/null; then
      echo "warning   could not download $mirror$name" >&2
      rm -f "$part"
      continue
    fi
    actual="$(sha256 "$part")"
    if [[ "$actual" != "$expected" ]]; then
      echo "warning   $mirror$name has SHA-256 $actual, expected $expected; discarded" >&2
      rm -f "$part"
      continue
    fi
    mv "$part" "$target"
    echo "fetched   $target (checksum verified)"
    fetched=1
    break
  done
  if [[ $fetched == 0 ]]; then
    echo "error     no mirror gave an intact $name" >&2
    failed=1
  fi
done

if [[ $failed != 0 ]]; then
  echo "fetch-mnist: some files are missing; check the network and run again (files already fetched are kept)" >&2
  exit 1
fi
cat <<YAML
All four files are in $dir. Use them in a sweep file (paths relative to the sweep file's folder):

data:
  name: idx
  images: $dir/train-images-idx3-ubyte.gz
  labels: $dir/train-labels-idx1-ubyte.gz
  test: $dir/t10k-images-idx3-ubyte.gz
  test_labels: $dir/t10k-labels-idx1-ubyte.gz
YAML
