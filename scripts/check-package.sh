#!/usr/bin/env bash
# What a user gets from `npm pack`: packs foveate, installs the tarball into a
# scratch project with no Rust (cargo, rustc) on PATH, and runs the consumers in
# test/package/ — ES module, CommonJS, and strict TypeScript compiled by
# TypeScript 5.0, the newest 5.x and the current release (strict, no skipLibCheck,
# no @types/node) — and the README's MNIST example, verbatim.
# Usage: scripts/check-package.sh [scratch-dir]   (CI: .ci/run)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=${1:-$(mktemp -d)}
mkdir -p "$scratch" && scratch=$(cd "$scratch" && pwd)
fail() { echo "check-package: $*" >&2; exit 1; }

echo "--- npm pack (into $scratch)"
tarball=$(cd "$root" && npm pack --silent --pack-destination "$scratch" | tail -1)
tar -tzf "$scratch/$tarball" > "$scratch/contents.txt"
for f in package/LICENSE package/foveate.linux-x64-gnu.node package/dist/index.d.ts package/scripts/build-native.mjs; do
  grep -qx "$f" "$scratch/contents.txt" || fail "$f is not in $tarball"
done
! grep -q '^package/target/' "$scratch/contents.txt" || fail "$tarball carries a cargo target/ folder"
node -e '
  const s = require(process.argv[1]).scripts || {};
  const hooks = ["preinstall", "install", "postinstall", "prepare"].filter((k) => s[k]);
  if (hooks.length) { console.error(`the package runs ${hooks.join(", ")} when installed`); process.exit(1); }
' "$root/package.json"
echo "$tarball: $(wc -l < "$scratch/contents.txt") files, $(du -h "$scratch/$tarball" | cut -f1)"

# PATH without any folder that holds cargo or rustc.
nocargo=""
IFS=: read -ra dirs <<< "$PATH"
for d in "${dirs[@]}"; do
  [ -n "$d" ] && [ ! -e "$d/cargo" ] && [ ! -e "$d/rustc" ] && nocargo="$nocargo${nocargo:+:}$d"
done
export PATH="$nocargo"
! command -v cargo >/dev/null && ! command -v rustc >/dev/null || fail "cargo or rustc still on PATH"

echo "--- npm install $tarball (no cargo on PATH)"
app="$scratch/app"
rm -rf "$app" && mkdir -p "$app" && cd "$app"
echo '{ "name": "foveate-consumer", "version": "1.0.0", "private": true }' > package.json
npm install --no-audit --no-fund "../$tarball" 2>&1 | tee install.log
! grep -Eq 'install-scripts|EBADENGINE|npm (warn|ERR)' install.log || fail "npm install of the tarball warned (above)"
[ ! -e node_modules/foveate/target ] || fail "node_modules/foveate/target exists"
echo "node_modules/foveate: $(du -sh node_modules/foveate | cut -f1)"
npm install --no-audit --no-fund --silent ts50@npm:typescript@5.0 ts5@npm:typescript@5 tslatest@npm:typescript@latest

cp "$root"/test/package/* .
echo "--- the CLI (node_modules/.bin/foveate)"
[ "$(npx --no-install foveate --version)" = "$(node -p 'require("foveate/package.json").version')" ] || fail "foveate --version"
npx --no-install foveate info

echo "--- ESM, CommonJS"
node esm.mjs
node cjs.cjs

for ts in ts50 ts5 tslatest; do
  tsc="node node_modules/$ts/bin/tsc"
  version=$($tsc --version)
  echo "--- strict TypeScript: $version"
  common='"strict": true, "target": "es2022", "types": []'
  echo "{ \"compilerOptions\": { $common, \"module\": \"nodenext\", \"moduleResolution\": \"nodenext\", \"outDir\": \"out-$ts\" }, \"files\": [\"strict.mts\", \"strict.cts\"] }" > tsconfig.node.json
  echo "{ \"compilerOptions\": { $common, \"module\": \"esnext\", \"moduleResolution\": \"bundler\", \"noEmit\": true }, \"files\": [\"strict.mts\"] }" > tsconfig.bundler.json
  echo "{ \"compilerOptions\": { $common, \"lib\": [\"es2022\"], \"module\": \"nodenext\", \"moduleResolution\": \"nodenext\", \"noEmit\": true }, \"files\": [\"types-only.ts\"] }" > tsconfig.bare.json
  configs="node bundler bare"
  case "$version" in *" 5."*) # moduleResolution node10 is gone from TypeScript 6 on
    echo "{ \"compilerOptions\": { $common, \"module\": \"commonjs\", \"moduleResolution\": \"node10\", \"esModuleInterop\": true, \"noEmit\": true }, \"files\": [\"strict.cts\"] }" > tsconfig.node10.json
    configs="$configs node10" ;;
  esac
  for c in $configs; do
    $tsc -p "tsconfig.$c.json" || fail "$version: tsconfig.$c.json does not type-check"
    echo "$version: $c ok"
  done
  node "out-$ts/strict.mjs"
  node "out-$ts/strict.cjs"
done

echo "--- the README's MNIST example, verbatim, STEPS=200"
node "$root/scripts/readme-example.mjs" "$root/README.md" > mnist-mlp.mjs
STEPS=200 node mnist-mlp.mjs | tee example.log
node -e '
  const log = require("fs").readFileSync("example.log", "utf8");
  const acc = Number(/^test accuracy: ([\d.]+)%$/m.exec(log)?.[1]);
  const back = Number(/^restored from mlp.safetensors: ([\d.]+)%$/m.exec(log)?.[1]);
  if (!(acc > 85) || back !== acc) { console.error(`test accuracy ${acc}%, restored ${back}%: expected > 85% and equal`); process.exit(1); }
'

echo "--- no addon and no cargo: the fallback says what to do"
mv node_modules/foveate/foveate.linux-x64-gnu.node addon.bak
if node -e 'require("foveate")' 2> fallback.log; then fail "the package loaded without its addon"; fi
if FOVEATE_NO_BUILD=1 node -e 'require("foveate")' 2> nobuild.log; then fail "the package loaded without its addon"; fi
mv addon.bak node_modules/foveate/foveate.linux-x64-gnu.node
head -5 fallback.log
grep -q 'cargo was not found' fallback.log && grep -q 'https://rustup.rs' fallback.log || fail "the fallback did not say that Rust is needed"
grep -q 'FOVEATE_NO_BUILD=1, so it is not built from source' nobuild.log || fail "FOVEATE_NO_BUILD=1 did not say why nothing was built"
echo "check-package: ok"
