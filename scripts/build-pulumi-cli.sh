#!/usr/bin/env bash
# Builds the Pulumi CLI and its language hosts from Go modules at one pinned version and caches
# them under ~/.cache/pulumi-resource-auth0/pulumi-cli-<version>-r<recipe>/bin. Called by `make pulumi-cli`.
#
# Progress goes to stderr; the bin directory is the only thing printed on stdout (last line), so
#   PATH="$(scripts/build-pulumi-cli.sh --quiet):$PATH"
# works from any other script or target.
#
# Environment:
#   PULUMI_VERSION          the pin (required; the Makefile passes it)
#   CACHE_DIR               default ~/.cache/pulumi-resource-auth0
#   PULUMI_YAML_VERSION     pulumi-yaml module version for pulumi-language-yaml (default below)
#   PULUMI_LANGUAGE_HOSTS_SRC
#                           sources of pulumi-language-python, -nodejs and -go with their build.sh
#                           (default ../shared/third_party/pulumi-language-hosts beside the repo):
#                           the Go module proxy refuses those modules, so they are built from there
#   PULUMI_CLI_IGNORE_PATH  set to 1 to build even when `pulumi` is already on PATH
set -euo pipefail

# Bump when the build recipe changes, so cached builds from an older recipe are redone.
readonly RECIPE=2
readonly DEFAULT_PULUMI_YAML_VERSION=v1.25.0

readonly PKG_MODULE=github.com/pulumi/pulumi/pkg/v3
readonly SDK_MODULE=github.com/pulumi/pulumi/sdk/v3
readonly YAML_MODULE=github.com/pulumi/pulumi-yaml
readonly HOSTS=(pulumi-language-python pulumi-language-python-exec pulumi-language-nodejs pulumi-language-go pulumi-language-yaml)

quiet=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "build-pulumi-cli: unknown argument '$arg'; the only options are --quiet and --help" >&2
      exit 2
      ;;
  esac
done

say() { [[ $quiet == 1 ]] || echo "pulumi-cli: $*" >&2; }
warn() { echo "pulumi-cli: warning: $*" >&2; }
die() {
  echo "pulumi-cli: error: $*" >&2
  exit 1
}

if [[ -z ${PULUMI_VERSION:-} ]]; then
  die "PULUMI_VERSION is not set; run this through 'make pulumi-cli' or export PULUMI_VERSION=3.x.y"
fi
if [[ ! $PULUMI_VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  die "PULUMI_VERSION '$PULUMI_VERSION' is not a plain version; use the form 3.260.0 (no leading v)"
fi
readonly VERSION=v$PULUMI_VERSION
CACHE_DIR=${CACHE_DIR:-$HOME/.cache/pulumi-resource-auth0}
YAML_VERSION=${PULUMI_YAML_VERSION:-$DEFAULT_PULUMI_YAML_VERSION}
repo_dir=$(cd "$(dirname "$0")/.." && pwd)
HOSTS_SRC=${PULUMI_LANGUAGE_HOSTS_SRC:-$repo_dir/../shared/third_party/pulumi-language-hosts}

# The language hosts' sources, as one short hash: a changed file there means build again.
hosts_src_hash() {
  [[ -f $HOSTS_SRC/build.sh ]] || die "no language host sources at $HOSTS_SRC (expected build.sh there); put ../shared beside the repository or set PULUMI_LANGUAGE_HOSTS_SRC"
  (cd "$HOSTS_SRC" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha1sum | sha1sum | cut -c1-12)
}

# What a cached build was made from; a different key means build again.
build_key() {
  printf 'recipe=%s pulumi=%s yaml=%s hosts-src=%s\n' "$RECIPE" "$VERSION" "$YAML_VERSION" "$HOSTS_HASH"
}

# A cached bin dir is usable when its stamp matches the key.
stamp_is_current() {
  local dir=$1
  [[ -f $dir/stamp ]] && [[ $(head -n 1 "$dir/stamp") == "$(build_key)" ]]
}

go_cmd() { nice -n 10 go "$@"; }

# Replace directives of a go.mod that point at other modules (not at local directories), as
# arguments for `go mod edit`.
nonlocal_replaces() {
  local gomod=$1
  go mod edit -json "$gomod" | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("Replace") or []:
    new = r["New"]
    if not new.get("Version"):
        continue  # a local directory inside the upstream repository
    old = r["Old"]["Path"] + ("@" + r["Old"]["Version"] if r["Old"].get("Version") else "")
    print("-replace=%s=%s@%s" % (old, new["Path"], new["Version"]))
'
}

# Downloads one module version and prints one field of `go mod download -json` (Dir, GoMod, ...).
download_field() {
  local module_at_version=$1 field=$2 json
  if ! json=$(go_cmd mod download -json "$module_at_version" 2>/dev/null); then
    # On failure the JSON carries go's own explanation in "Error".
    python3 -c 'import json,sys; print("pulumi-cli: go:", json.load(sys.stdin).get("Error",""), file=sys.stderr)' <<<"$json" || true
    return 1
  fi
  python3 -c 'import json,sys; print((json.load(sys.stdin).get(sys.argv[1]) or ""))' "$field" <<<"$json"
}

# Builds the requested programs into $out (a directory that does not yet exist in the cache).
#   build_into <out> <work> <component>...   components: cli hosts yaml
# ("hosts" is pulumi-language-python with its exec shim, -nodejs and -go.)
build_into() {
  local out=$1 work=$2
  shift 2
  local want=" $* " src=$work/wrapper
  mkdir -p "$out" "$src"

  export GOFLAGS="${GOFLAGS:+$GOFLAGS }-trimpath" CGO_ENABLED=0
  local ldflags_common="-s -w"

  if [[ $want == *" cli "* || $want == *" hosts "* ]]; then
    say "downloading $SDK_MODULE@$VERSION"
    local sdk_dir
    sdk_dir=$(download_field "$SDK_MODULE@$VERSION" Dir) ||
      die "the Go module proxy does not serve $SDK_MODULE@$VERSION; pick a PULUMI_VERSION it serves (go list -m -versions $SDK_MODULE)"
    if [[ $want == *" hosts "* ]]; then
      # The exec shim is a Python script shipped in the sdk module; the host runs it beside itself.
      install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$out/pulumi-language-python-exec"
    fi
  fi

  # One wrapper module for every program built from the pulumi/pulumi repository: upstream
  # go.mod files replace pkg and sdk with local directories, which `go install` refuses.
  local packages=() wanted=() replaces=() requires=()
  if [[ $want == *" cli "* ]]; then
    say "downloading $PKG_MODULE@$VERSION"
    local pkg_gomod
    pkg_gomod=$(download_field "$PKG_MODULE@$VERSION" GoMod) ||
      die "the Go module proxy does not serve $PKG_MODULE@$VERSION; pick a PULUMI_VERSION it serves (go list -m -versions $PKG_MODULE)"
    mapfile -t -O "${#replaces[@]}" replaces < <(nonlocal_replaces "$pkg_gomod")
    requires+=("-require=$PKG_MODULE@$VERSION")
    packages+=("$PKG_MODULE/cmd/pulumi")
    wanted+=("$PKG_MODULE/cmd/pulumi@$VERSION")
  fi
  if ((${#packages[@]} > 0)); then
    requires+=("-require=$SDK_MODULE@$VERSION")
    (
      cd "$src"
      go mod init pulumi-cli-wrapper >/dev/null 2>&1
      # Duplicate replaces (the same one from several upstream go.mod files) are harmless.
      go mod edit "${requires[@]}" ${replaces[@]+"${replaces[@]}"}
      say "resolving dependencies of ${packages[*]}"
      # `go get` on the packages, at their versions, adds exactly the requirements their builds need.
      go_cmd get "${wanted[@]}" "$SDK_MODULE@$VERSION" >&2
      # `go get` may raise pkg or sdk past the pin through another requirement; refuse that.
      local got
      for got in "$SDK_MODULE" ${pkg_gomod:+"$PKG_MODULE"}; do
        [[ $(go list -m -f '{{.Version}}' "$got") == "$VERSION" ]] ||
          die "$got resolved to $(go list -m -f '{{.Version}}' "$got"), not the pin $VERSION; pin a compatible language host version"
      done
      say "compiling ${packages[*]} (nice -n 10; this takes minutes on a cold cache)"
      go_cmd build -ldflags "$ldflags_common -X $SDK_MODULE/go/common/version.Version=$VERSION" \
        -o "$out/" "${packages[@]}"
    )
  fi

  if [[ $want == *" hosts "* ]]; then
    # The Go module proxy refuses these three modules; their sources at the pin come with ../shared.
    say "compiling pulumi-language-python, -nodejs and -go from $HOSTS_SRC (nice -n 10)"
    nice -n 10 "$HOSTS_SRC/build.sh" "$out" "$PULUMI_VERSION" >&2 ||
      die "could not build the language hosts with $HOSTS_SRC/build.sh $out $PULUMI_VERSION"
  fi

  if [[ $want == *" yaml "* ]]; then
    # pulumi-yaml has no replace directives, so `go install` builds it against its own go.mod.
    say "compiling $YAML_MODULE/cmd/pulumi-language-yaml@$YAML_VERSION"
    GOBIN=$out go_cmd install \
      -ldflags "$ldflags_common -X $YAML_MODULE/pkg/version.Version=$YAML_VERSION" \
      "$YAML_MODULE/cmd/pulumi-language-yaml@$YAML_VERSION" ||
      die "could not build pulumi-language-yaml at $YAML_VERSION; set PULUMI_YAML_VERSION to a version the Go module proxy serves (go list -m -versions $YAML_MODULE)"
  fi
}

# Builds <components> into <final dir>/bin unless a current stamp is already there. Serialized
# with flock; the result appears at once through a rename, so a failed or interrupted build
# leaves nothing half-written behind.
ensure_build() {
  local final=$1
  shift
  HOSTS_HASH=$(hosts_src_hash) || exit 1
  if stamp_is_current "$final"; then
    return 0
  fi
  command -v go >/dev/null || die "go is not on PATH; install Go 1.26 or newer (see README.md prerequisites)"
  command -v python3 >/dev/null || die "python3 is not on PATH; install Python 3 (see README.md prerequisites)"
  mkdir -p "$CACHE_DIR"
  exec 9>"$final.lock"
  flock 9
  if stamp_is_current "$final"; then # another run finished it while we waited
    return 0
  fi
  local work
  work=$(mktemp -d "$CACHE_DIR/.build.XXXXXX")
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work'" EXIT
  local started=$SECONDS
  build_into "$work/out/bin" "$work" "$@"
  build_key >"$work/out/stamp"
  if [[ -e $final ]]; then
    mv -T "$final" "$work/stale"
  fi
  mv -T "$work/out" "$final"
  exec 9>&-
  say "built in $((SECONDS - started))s into $final/bin"
}

# Keyed by recipe too, so a checkout with another recipe never rebuilds over this one.
own_dir=$CACHE_DIR/pulumi-cli-$PULUMI_VERSION-r$RECIPE
# Follow links: an install's language hosts sit beside the real binary, and linking the hosts
# dir's `pulumi` to a link that is itself would loop.
on_path=$(command -v pulumi || true)
[[ -z $on_path ]] || on_path=$(realpath -e "$on_path")
if [[ -n $on_path && ${PULUMI_CLI_IGNORE_PATH:-0} != 1 ]] &&
  [[ $(dirname "$on_path") != "$(realpath -m "$own_dir/bin")" ]]; then
  path_dir=$(dirname "$on_path")
  path_version=$("$on_path" version 2>/dev/null || echo unknown)
  say "using pulumi from PATH: $on_path ($path_version); set PULUMI_CLI_IGNORE_PATH=1 to build $VERSION instead"
  [[ $path_version == "$VERSION" ]] || warn "pulumi on PATH is $path_version, not the pin $VERSION"
  missing=()
  for host in "${HOSTS[@]}"; do
    [[ -x $path_dir/$host ]] || command -v "$host" >/dev/null || missing+=("$host")
  done
  if ((${#missing[@]} == 0)); then
    echo "$path_dir"
    exit 0
  fi
  say "language hosts missing beside it: ${missing[*]}; using all hosts at $VERSION from the cache"
  # Always the full set, so the cached hosts dir does not depend on what PATH held the first time.
  hosts_dir=$CACHE_DIR/pulumi-hosts-$PULUMI_VERSION-r$RECIPE
  ensure_build "$hosts_dir" hosts yaml
  # The PATH pulumi stays the one used: link it into the hosts' bin dir so one PATH entry has all.
  ln -sfn "$on_path" "$hosts_dir/bin/pulumi"
  echo "$hosts_dir/bin"
  exit 0
fi

say "using pulumi $VERSION built from Go modules"
ensure_build "$own_dir" cli hosts yaml
echo "$own_dir/bin"
