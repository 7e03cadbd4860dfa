#!/usr/bin/env bash
# Re-create static/vendor/ from the npm registry: the front-end files the web UI serves itself,
# so no page ever loads anything from a CDN (government intranets have no internet).
#
#   bash scripts/vendor_assets.sh          # needs node/npm (Debian: apt-get install npm)
#
# Versions and tarball checksums are pinned below; bumping a version means updating its
# integrity (`npm view bootstrap@X.Y.Z dist.integrity`) and static/vendor/README.md.
set -euo pipefail

BOOTSTRAP_VERSION=5.3.8
BOOTSTRAP_INTEGRITY="sha512-HP1SZDqaLDPwsNiqRqi5NcP0SSXciX2s9E+RyqJIIqGo+vJeN5AJVM98CXmW/Wux0nQ5L7jeWUdplCEf0Ee+tg=="

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# npm pack: download a package tarball from the registry and check it against a pinned hash.
fetch() {
  local spec="$1" integrity="$2" tarball
  tarball="$(cd "$WORK" && npm pack --silent "$spec" | tail -n 1)"
  local actual="sha512-$(openssl dgst -sha512 -binary "$WORK/$tarball" | base64 -w0)"
  if [[ "$actual" != "$integrity" ]]; then
    echo "integrity mismatch for $spec: got $actual" >&2
    exit 1
  fi
  mkdir -p "$WORK/${spec%@*}"
  tar -xzf "$WORK/$tarball" -C "$WORK/${spec%@*}" --strip-components=1
}

# Drop source-map comments so browsers don't request maps that are not shipped.
strip_source_maps() {
  sed -i -E '/^\/\*# sourceMappingURL=.*\*\/$/d; /^\/\/# sourceMappingURL=.*$/d' "$@"
}

# --- Bootstrap (MIT) -------------------------------------------------------------------------
fetch "bootstrap@$BOOTSTRAP_VERSION" "$BOOTSTRAP_INTEGRITY"
src="$WORK/bootstrap"
dst="$VENDOR/bootstrap"
rm -rf "$dst"
mkdir -p "$dst"
cp "$src/dist/css/bootstrap.min.css" "$src/dist/js/bootstrap.bundle.min.js" "$dst/"
cp "$src/LICENSE" "$dst/LICENSE"
strip_source_maps "$dst/bootstrap.min.css" "$dst/bootstrap.bundle.min.js"

# --- Checks ------------------------------------------------------------------------------------
if grep -l 'sourceMappingURL' "$dst"/*.css "$dst"/*.js; then
  echo "source-map comment left in the files above" >&2
  exit 1
fi
# Every url(...) must be a data: URI and there must be no @import: nothing a browser fetches.
if grep -oE 'url\([^)]*\)' "$dst/bootstrap.min.css" | grep -vE '^url\(["'"'"']?data:'; then
  echo "bootstrap.min.css references the external URL(s) above" >&2
  exit 1
fi
if grep -q '@import' "$dst/bootstrap.min.css"; then
  echo "bootstrap.min.css has an @import" >&2
  exit 1
fi

cd "$VENDOR"
echo "static/vendor/ written:"
find . -type f ! -name README.md | sort | xargs sha256sum
