#!/usr/bin/env bash
# Vendor third-party front-end assets into kaohe/web/static/vendor/ so that no page loads anything
# from a CDN at run time. Run it when bumping a version, then commit the copied files.
#
#   scripts/vendor-assets.sh
set -euo pipefail

HTMX_VERSION="${HTMX_VERSION:-2.0.11}"
ECHARTS_VERSION="${ECHARTS_VERSION:-5.6.0}"

here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/kaohe/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$dest"
(cd "$work" && npm pack --silent "htmx.org@${HTMX_VERSION}" >/dev/null)
tar -xzf "$work"/htmx.org-*.tgz -C "$work"
cp "$work/package/dist/htmx.min.js" "$dest/htmx.min.js"
cp "$work/package/LICENSE" "$dest/htmx.LICENSE"

# ECharts (Apache-2.0) for the work-log summaries; only the minified browser build is kept.
(cd "$work" && npm pack --silent "echarts@${ECHARTS_VERSION}" >/dev/null)
mkdir -p "$work/echarts"
tar -xzf "$work"/echarts-*.tgz -C "$work/echarts"
cp "$work/echarts/package/dist/echarts.min.js" "$dest/echarts.min.js"
cp "$work/echarts/package/LICENSE" "$dest/echarts.LICENSE"

printf 'htmx.org@%s\necharts@%s\n' "${HTMX_VERSION}" "${ECHARTS_VERSION}" > "$dest/VERSIONS"
echo "vendored htmx.org@${HTMX_VERSION} and echarts@${ECHARTS_VERSION} into $dest"
