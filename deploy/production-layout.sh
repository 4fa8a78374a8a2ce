#!/usr/bin/env sh
# Writes the production layout of a built checkout to OUT: package files, LICENSE, dist/ and
# node_modules without dev dependencies. The Dockerfile runs it in its build stage, and
# test/deploy/production-layout.e2e-spec.ts runs it and starts the result, so the image's steps
# are tested where no container engine runs.
#
# Usage: deploy/production-layout.sh OUT   (from a checkout after `npm ci` and `npm run build`)
#
# node_modules is the build's own install pruned with `npm prune --omit=dev`: the same tree
# `npm ci --omit=dev` installs from the lock file, without a second native build of better-sqlite3.
set -eu

out=${1:?usage: deploy/production-layout.sh OUT}
src=$(cd "$(dirname "$0")/.." && pwd)

for f in dist/apps/server/src/main.js dist/apps/cli/src/main.js node_modules package-lock.json; do
  [ -e "$src/$f" ] || { echo "production-layout: $src/$f is missing (run npm ci and npm run build first)" >&2; exit 1; }
done

mkdir -p "$out"
cp "$src/package.json" "$src/package-lock.json" "$src/LICENSE" "$out/"
# npm start and npm run migration:* work there too: apps/run-built.js finds no sources, so it never builds.
mkdir -p "$out/apps/server" "$out/apps/cli"
cp "$src/apps/run-built.js" "$out/apps/"
cp "$src/apps/server/run.js" "$out/apps/server/"
cp "$src/apps/cli/run.js" "$out/apps/cli/"
rm -rf "$out/dist" "$out/node_modules"
cp -R "$src/dist" "$out/dist"
cp -R "$src/node_modules" "$out/node_modules"
(cd "$out" && npm prune --omit=dev --no-audit --no-fund --loglevel=error)
# Compiled tests and declaration maps are not part of a production install.
find "$out/dist" -name '*.spec.js' -delete
echo "production-layout: $out ($(du -sh "$out" | cut -f1))"
