#!/usr/bin/env bash
# Release artifacts in dist/ (docs/install.md). The Makefile's release block calls it:
#   dist.sh binaries PLATFORM...  build pulumi-resource-auth0 and auth0-emulator per platform, pack
#                                 <name>-v<version>-<os>-<arch>.tar.gz (binary, LICENSE, README.md)
#   dist.sh sdks                  Python wheel and sdist, npm tarball, Go module proxy (dist/goproxy)
#   dist.sh checksums             SHA256SUMS over every file in dist/
#   dist.sh verify                file formats, no build paths, sizes; runs every binary it can
#   dist.sh repro [--full] PLATFORM...  build again; the archives must be identical to dist/'s
# PLATFORM: linux-amd64 linux-arm64 darwin-amd64 darwin-arm64 windows-amd64.
#
# Environment (the Makefile passes it): VERSION, DIST_DIR, CARGO, ZIGBUILD (cargo-zigbuild),
# RELEASE_VENV (a venv with PyPI ziglang and build), NODE_DEPS (node_modules with typescript),
# PYTHON (with PyPI pulumi, for `verify`), CARGO_BUILD_JOBS (default 2).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
readonly ROOT
readonly BINARIES=(pulumi-resource-auth0 auth0-emulator)
readonly GO_MODULE=github.com/pulumi-auth0-rs/pulumi-auth0-rs/sdk/go/auth0

die() {
  echo "dist: $*" >&2
  exit 1
}
need() {
  for name in "$@"; do
    [[ -n ${!name:-} ]] || die "$name is not set; run this through make (make dist or make dist-all)"
  done
}

need VERSION DIST_DIR
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}
# Archive mtimes: the commit's time, so two builds of one commit agree.
# Not exported: build scripts that watch it would rebuild everything after each commit.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}

triple() {
  case $1 in
    linux-amd64) echo x86_64-unknown-linux-musl ;;
    linux-arm64) echo aarch64-unknown-linux-musl ;;
    darwin-amd64) echo x86_64-apple-darwin ;;
    darwin-arm64) echo aarch64-apple-darwin ;;
    windows-amd64) echo x86_64-pc-windows-gnu ;;
    *) die "unknown platform '$1'; use linux-amd64, linux-arm64, darwin-amd64, darwin-arm64 or windows-amd64" ;;
  esac
}

exe_suffix() { [[ $1 == windows-* ]] && echo .exe || true; }

# Builds both binaries for one platform into target dir $2 with no build paths in them.
build() {
  local platform=$1 target_dir=$2 t
  t=$(triple "$platform")
  need CARGO ZIGBUILD RELEASE_VENV
  [[ -x $ZIGBUILD ]] || die "$ZIGBUILD is missing; run make release-tools"
  rustup target list --installed | grep -qx "$t" || rustup target add "$t" >&2
  local cargo_home=${CARGO_HOME:-$HOME/.cargo} sysroot
  sysroot=$(rustc --print sysroot)
  # rustc applies the last matching prefix, so the target dir (inside ROOT) comes after ROOT.
  local flags="--remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$sysroot=/rustc"
  flags+=" --remap-path-prefix=$ROOT=/build --remap-path-prefix=$target_dir=/target"
  local deployment=()
  case $platform in
    darwin-arm64) deployment=(MACOSX_DEPLOYMENT_TARGET=11.0) ;;
    darwin-amd64) deployment=(MACOSX_DEPLOYMENT_TARGET=10.12) ;;
  esac
  echo "dist: building $platform ($t)" >&2
  # cargo-zigbuild runs zig as `python3 -m ziglang` from the release venv.
  (cd "$ROOT" && env "${deployment[@]}" PATH="$RELEASE_VENV/bin:$(dirname "$ZIGBUILD"):$PATH" \
    CARGO_TARGET_DIR="$target_dir" RUSTFLAGS="$flags" \
    nice -n 10 "$CARGO" zigbuild --locked --release --target "$t" \
    -p pulumi-resource-auth0 -p auth0-emulator)
}

# Packs each binary of one platform from target dir $2 into archives in $3.
pack() {
  local platform=$1 target_dir=$2 out=$3 t suffix stage name archive
  t=$(triple "$platform")
  suffix=$(exe_suffix "$platform")
  mkdir -p "$out"
  for name in "${BINARIES[@]}"; do
    stage=$(mktemp -d)
    install -m 0755 "$target_dir/$t/release/$name$suffix" "$stage/$name$suffix"
    install -m 0644 "$ROOT/LICENSE" "$ROOT/README.md" "$stage/"
    archive=$out/$name-v$VERSION-$platform.tar.gz
    tar --create --format=gnu --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 \
      --numeric-owner --directory="$stage" LICENSE README.md "$name$suffix" | gzip -n -9 >"$archive"
    rm -rf "$stage"
    echo "dist: $(basename "$archive")" >&2
  done
}

cmd_binaries() {
  (($#)) || die "name at least one platform"
  local platform
  for platform in "$@"; do
    build "$platform" "$ROOT/target/dist"
    pack "$platform" "$ROOT/target/dist" "$DIST_DIR"
  done
}

# Quick (make test): our two crates are compiled and linked again in target/dist, dependencies
# reused. --full: everything is built again in a second target dir, target/dist-repro.
cmd_repro() {
  local full=0
  if [[ ${1:-} == --full ]]; then full=1; shift; fi
  (($#)) || die "name at least one platform"
  local platform name archive again failed=0 target_dir=$ROOT/target/dist
  ((full)) && target_dir=$ROOT/target/dist-repro
  local out=$ROOT/target/dist-repro-out
  rm -rf "$out"
  for platform in "$@"; do
    if ((!full)); then
      (cd "$ROOT" && CARGO_TARGET_DIR="$target_dir" "$CARGO" clean --quiet --release \
        --target "$(triple "$platform")" -p pulumi-resource-auth0 -p auth0-emulator)
    fi
    build "$platform" "$target_dir"
    pack "$platform" "$target_dir" "$out"
    for name in "${BINARIES[@]}"; do
      archive=$DIST_DIR/$name-v$VERSION-$platform.tar.gz
      again=$out/$(basename "$archive")
      [[ -f $archive ]] || die "$archive is missing; run make dist first"
      if cmp -s "$archive" "$again"; then
        echo "dist: reproducible: $(basename "$archive") ($(sha256sum <"$archive" | cut -c1-16))"
      else
        echo "dist: NOT reproducible: $(basename "$archive") differs between two builds" >&2
        failed=1
      fi
    done
  done
  ((failed == 0)) || die "two builds of one commit gave different archives; compare the binaries inside them (tar -xzf) to find the difference"
}

cmd_sdks() {
  need RELEASE_VENV NODE_DEPS
  mkdir -p "$DIST_DIR"
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN

  # Python: a wheel and an sdist, built from a copy so sdk/ stays clean.
  cp -r "$ROOT/sdk/python" "$work/python"
  find "$work/python" -name __pycache__ -prune -exec rm -rf {} +
  SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH "$RELEASE_VENV/bin/python" -m build --no-isolation --sdist --wheel --outdir "$DIST_DIR" "$work/python" >"$work/python-build.log" 2>&1 ||
    die "the Python packages did not build; see: $(tail -5 "$work/python-build.log")"

  # Node.js: compiled JavaScript and .d.ts in bin/, packed by npm.
  mkdir "$work/nodejs"
  (cd "$ROOT/sdk/nodejs" && tar --exclude=node_modules --exclude=bin -cf - .) | tar -xf - -C "$work/nodejs"
  ln -s "$NODE_DEPS/node_modules" "$work/nodejs/node_modules"
  (cd "$work/nodejs" && "$NODE_DEPS/node_modules/.bin/tsc" -p .) || die "tsc failed on sdk/nodejs"
  rm "$work/nodejs/node_modules"
  (cd "$work/nodejs" && npm pack --silent --pack-destination "$DIST_DIR" >/dev/null) || die "npm pack failed on sdk/nodejs"

  # Go: a file-based module proxy (GOPROXY=file://$DIST_DIR/goproxy) holding sdk/go/auth0.
  SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH "$RELEASE_VENV/bin/python" - "$ROOT/sdk/go/auth0" "$DIST_DIR/goproxy" "$GO_MODULE" "v$VERSION" <<'PY'
import datetime, json, os, sys, zipfile
src, proxy, module, version = sys.argv[1:]
epoch = int(os.environ["SOURCE_DATE_EPOCH"])
at = os.path.join(proxy, module, "@v")  # the path is all lower case: no !-escaping needed
os.makedirs(at, exist_ok=True)
files = []
for dirpath, dirnames, filenames in os.walk(src):
    dirnames.sort()
    files += [os.path.join(dirpath, f) for f in sorted(filenames)]
stamp = datetime.datetime.fromtimestamp(max(epoch, 315532800), datetime.timezone.utc)
with zipfile.ZipFile(os.path.join(at, version + ".zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for path in files:
        info = zipfile.ZipInfo(f"{module}@{version}/{os.path.relpath(path, src)}", stamp.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with open(path, "rb") as f:
            z.writestr(info, f.read())
with open(os.path.join(src, "go.mod"), "rb") as f, open(os.path.join(at, version + ".mod"), "wb") as out:
    out.write(f.read())
with open(os.path.join(at, version + ".info"), "w") as out:
    json.dump({"Version": version, "Time": stamp.strftime("%Y-%m-%dT%H:%M:%SZ")}, out)
with open(os.path.join(at, "list"), "w") as out:
    out.write(version + "\n")
PY
  echo "dist: SDK packages: $(cd "$DIST_DIR" && ls ./*.whl ./*.tar.gz ./*.tgz 2>/dev/null | grep -v -e '-v[0-9]' | tr '\n' ' ')goproxy/" >&2
}

cmd_checksums() {
  [[ -d $DIST_DIR ]] || die "$DIST_DIR does not exist; run make dist first"
  (cd "$DIST_DIR" && rm -f SHA256SUMS && find . -type f | sed 's#^\./##' | LC_ALL=C sort |
    xargs -d '\n' sha256sum >SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
  echo "dist: SHA256SUMS covers $(wc -l <"$DIST_DIR/SHA256SUMS") files" >&2
}

# The `file` description each platform's binaries must match.
expected_format() {
  case $1 in
    linux-amd64) echo 'ELF 64-bit LSB (executable|pie executable), x86-64.*(statically linked|static-pie linked)' ;;
    linux-arm64) echo 'ELF 64-bit LSB (executable|pie executable), ARM aarch64.*(statically linked|static-pie linked)' ;;
    darwin-amd64) echo 'Mach-O 64-bit x86_64 executable' ;;
    darwin-arm64) echo 'Mach-O 64-bit arm64 executable' ;;
    windows-amd64) echo 'PE32\+ executable \(console\) x86-64' ;;
  esac
}

# How this machine can run a platform's binary: a runner prefix, "" (natively) or "none: why".
runner_for() {
  case $1 in
    linux-amd64) [[ $(uname -m) == x86_64 ]] && echo "" || echo "none: the host is not x86_64" ;;
    linux-arm64)
      if command -v qemu-aarch64-static >/dev/null; then echo qemu-aarch64-static; else
        echo "none: qemu-aarch64-static is not installed (apt-get install qemu-user-static)"; fi ;;
    windows-amd64)
      if command -v wine >/dev/null; then echo wine; else
        echo "none: wine is not installed (apt-get install wine64)"; fi ;;
    darwin-*) echo "none: no macOS here (zig cross-links; Mach-O format checked only)" ;;
  esac
}

cmd_verify() {
  need PYTHON
  local work failed=0 archive base name platform suffix binary description pattern runner version
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  shopt -s nullglob
  local archives=("$DIST_DIR"/*-v"$VERSION"-*-*.tar.gz)
  ((${#archives[@]})) || die "no archives for version $VERSION in $DIST_DIR; run make dist-all first"
  printf '%-52s %12s %12s  %s\n' archive "archive B" "binary B" "run check" >"$work/sizes"
  for archive in "${archives[@]}"; do
    base=$(basename "$archive" .tar.gz)
    platform=${base##*-v"$VERSION"-}
    name=${base%-v"$VERSION"-*}
    suffix=$(exe_suffix "$platform")
    mkdir -p "$work/$base"
    tar -xzf "$archive" -C "$work/$base"
    binary=$work/$base/$name$suffix
    local listing
    listing=$(tar -tzf "$archive" | tr '\n' ' ')
    [[ $listing == "LICENSE README.md $name$suffix " ]] ||
      { echo "dist: $base holds '$listing', expected LICENSE README.md $name$suffix" >&2; failed=1; }
    description=$(file -b "$binary")
    pattern=$(expected_format "$platform")
    if [[ $description =~ $pattern ]]; then
      echo "dist: $base: $description" >&2
    else
      echo "dist: $base: wrong format '$description', expected /$pattern/" >&2
      failed=1
    fi
    local leak
    for leak in "$ROOT" "${CARGO_HOME:-$HOME/.cargo}" "$HOME/.rustup" "$RELEASE_VENV"; do
      if grep -q -a -F "$leak" "$binary"; then
        echo "dist: $base: the binary contains the build path $leak" >&2
        failed=1
      fi
    done
    local outcome="-"
    if [[ $name == pulumi-resource-auth0 ]]; then
      runner=$(runner_for "$platform")
      if [[ $runner == none:* ]]; then
        outcome="not run (${runner#none: })"
      elif version=$(timeout -k 10 120 "$PYTHON" "$ROOT/scripts/plugin_probe.py" --runner "$runner" "$binary" info 2>"$work/probe.err"); then
        if [[ $version == "$VERSION" ]]; then
          outcome="GetPluginInfo $version${runner:+ under $runner}"
        else
          outcome="GetPluginInfo said $version"; failed=1
        fi
      else
        outcome="failed: $(tail -1 "$work/probe.err")"
        [[ $platform == windows-* ]] || failed=1 # wine is best effort; its outcome is reported
      fi
    fi
    printf '%-52s %12s %12s  %s\n' "$(basename "$archive")" "$(stat -c %s "$archive")" "$(stat -c %s "$binary")" "$outcome" >>"$work/sizes"
  done
  cat "$work/sizes"
  ((failed == 0)) || die "some shipped binaries failed the checks above"
}

sub=${1:-}
shift || true
case $sub in
  binaries) cmd_binaries "$@" ;;
  repro) cmd_repro "$@" ;;
  sdks) cmd_sdks ;;
  checksums) cmd_checksums ;;
  verify) cmd_verify ;;
  *) die "unknown command '$sub'; use binaries, repro, sdks, checksums or verify" ;;
esac
