#!/usr/bin/env bash
# Builds the official bridged Auth0 provider (pulumi-resource-auth0 v3.49.0, the one ours replaces)
# from the sources in ../shared/third_party/pulumi-auth0-bridged, with their own build.sh, into
# ~/.cache/pulumi-resource-auth0/bridged-auth0-<version>/bin. Used by the migration tests only;
# it never enters the project's own build. Called by `make bridged-provider`.
#
# Progress goes to stderr; the bin directory is the only thing printed on stdout (last line).
# A second run with the same sources finds the stamp and returns at once.
#
# Environment:
#   BRIDGED_AUTH0_VERSION   the version the sources are (default 3.49.0; must match them)
#   CACHE_DIR               default ~/.cache/pulumi-resource-auth0
#   BRIDGED_AUTH0_SRC       the sources with their build.sh
#                           (default ../shared/third_party/pulumi-auth0-bridged beside the repo)
set -euo pipefail

# Bump when this recipe changes, so a cached build from an older recipe is redone.
readonly RECIPE=1

quiet=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "bridged-provider: unknown argument '$arg'; the only options are --quiet and --help" >&2
      exit 2
      ;;
  esac
done

say() { [[ $quiet == 1 ]] || echo "bridged-provider: $*" >&2; }
die() {
  echo "bridged-provider: error: $*" >&2
  exit 1
}

VERSION=${BRIDGED_AUTH0_VERSION:-3.49.0}
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  die "BRIDGED_AUTH0_VERSION '$VERSION' is not a plain version; use the form 3.49.0"
CACHE_DIR=${CACHE_DIR:-$HOME/.cache/pulumi-resource-auth0}
repo_dir=$(cd "$(dirname "$0")/.." && pwd)
SRC=$(realpath -m "${BRIDGED_AUTH0_SRC:-$repo_dir/../shared/third_party/pulumi-auth0-bridged}")
[[ -x $SRC/build.sh ]] ||
  die "no bridged provider sources at $SRC (expected an executable build.sh); put ../shared beside the repository or set BRIDGED_AUTH0_SRC"
# The sources' build.sh stamps its own version; refuse a mismatch rather than mislabel a build.
grep -q -- "Version=$VERSION" "$SRC/build.sh" ||
  die "$SRC/build.sh does not build version $VERSION; set BRIDGED_AUTH0_VERSION to the version it builds"

final=$CACHE_DIR/bridged-auth0-$VERSION
src_hash=$(cd "$SRC" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha1sum | sha1sum | cut -c1-12)
key="recipe=$RECIPE version=$VERSION src=$src_hash go=$(go env GOVERSION 2>/dev/null || echo none)"

stamp_is_current() { [[ -f $final/stamp && -x $final/bin/pulumi-resource-auth0 ]] && [[ $(head -n 1 "$final/stamp") == "$key" ]]; }

if ! stamp_is_current; then
  command -v go >/dev/null || die "go is not on PATH; install Go 1.26 or newer (see README.md prerequisites)"
  command -v python3 >/dev/null || die "python3 is not on PATH; install Python 3 (see README.md prerequisites)"
  mkdir -p "$CACHE_DIR"
  exec 9>"$final.lock"
  flock 9
  if ! stamp_is_current; then # another run may have finished it while this one waited
    work=$(mktemp -d "$CACHE_DIR/.bridged-build.XXXXXX")
    # shellcheck disable=SC2064 # expand now
    trap "rm -rf '$work'" EXIT
    started=$SECONDS
    say "building the official bridged provider v$VERSION from $SRC (nice -n 10; 4 to 8 min on a cold Go cache)"
    nice -n 10 timeout 2400 "$SRC/build.sh" "$work/out/bin" >&2 ||
      die "$SRC/build.sh failed (output above); Go needs the module proxy for about 1,100 packages on a cold cache"
    got=$("$work/out/bin/pulumi-resource-auth0" -version 2>/dev/null || true)
    [[ $got == "$VERSION" ]] || die "the built plugin reports version '$got', not $VERSION"
    echo "$key" >"$work/out/stamp"
    if [[ -e $final ]]; then
      mv -T "$final" "$work/stale"
    fi
    mv -T "$work/out" "$final"
    say "built in $((SECONDS - started))s into $final/bin"
  fi
  exec 9>&-
fi
echo "$final/bin"
