#!/usr/bin/env bash
# Vendor third-party front-end assets into kaohe/web/static/vendor/ so that no page loads anything
# from a CDN at run time. Run it when bumping a version, then commit the copied files.
#
#   scripts/vendor-assets.sh
set -euo pipefail

HTMX_VERSION="${HTMX_VERSION:-2.0.11}"

here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/kaohe/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$dest"
(cd "$work" && npm pack --silent "htmx.org@${HTMX_VERSION}" >/dev/null)
tar -xzf "$work"/htmx.org-*.tgz -C "$work"
cp "$work/package/dist/htmx.min.js" "$dest/htmx.min.js"
cp "$work/package/LICENSE" "$dest/htmx.LICENSE"
echo "htmx.org@${HTMX_VERSION}" > "$dest/VERSIONS"
echo "vendored htmx.org@${HTMX_VERSION} into $dest"
