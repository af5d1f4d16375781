#!/usr/bin/env bash
# Refreshes the GraphiQL assets embedded in the ssgk binary from the npm registry (ordinary npm
# client), pinned to the versions below, and rebuilds THIRD_PARTY_LICENSES.txt. Run it from
# anywhere; review the diff and the checksums in SHA256SUMS before committing.
#
# GraphiQL 4.x is the last major version that ships a UMD build which runs without a bundler;
# React 18 is the last major version with UMD builds. Both are pinned on purpose.
set -euo pipefail
GRAPHIQL=4.1.2
REACT=18.2.0
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null
for f in *.tgz; do mkdir -p "x/${f%.tgz}"; tar -xzf "$f" -C "x/${f%.tgz}"; done
cp "x/graphiql-$GRAPHIQL/package/graphiql.min.js" "x/graphiql-$GRAPHIQL/package/graphiql.min.css" "$here/"
cp "x/react-$REACT/package/umd/react.production.min.js" "$here/"
cp "x/react-dom-$REACT/package/umd/react-dom.production.min.js" "$here/"
mkdir tree && cd tree && npm init -y >/dev/null
npm install --silent --ignore-scripts --no-audit --no-fund "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" graphql@16
node - "$here/THIRD_PARTY_LICENSES.txt" <<'JS'
const fs = require("fs"), path = require("path");
const out = [];
function walk(d) {
  for (const n of fs.readdirSync(d).sort()) {
    if (n.startsWith(".")) continue;
    const p = path.join(d, n);
    if (n.startsWith("@")) { walk(p); continue; }
    const pj = path.join(p, "package.json");
    if (!fs.existsSync(pj)) continue;
    const j = JSON.parse(fs.readFileSync(pj));
    const lf = fs.readdirSync(p).find(f => /^(licen[sc]e|copying)(\.md|\.txt)?$/i.test(f));
    out.push({ name: j.name, version: j.version,
      license: typeof j.license === "string" ? j.license : JSON.stringify(j.license || j.licenses),
      text: lf ? fs.readFileSync(path.join(p, lf), "utf8").trim() : "" });
  }
}
walk("node_modules");
let s = "Third-party software embedded in ssgk GraphiQL page (internal/graphiql/assets)\n\n";
s += "The files in this directory are copied unchanged from these npm packages:\n" +
  "  graphiql@4.1.2      graphiql.min.js, graphiql.min.css (MIT)\n" +
  "  react@18.2.0        umd/react.production.min.js (MIT)\n" +
  "  react-dom@18.2.0    umd/react-dom.production.min.js (MIT)\n\n";
s += "graphiql.min.js bundles graphiql's own dependencies. The list below is the dependency tree that\n" +
  "`npm install graphiql@4.1.2 react@18.2.0 react-dom@18.2.0 graphql@16` resolves, with each\n" +
  "package's declared licence and its licence file as shipped (update.sh rebuilds this file).\n\n";
for (const o of out) s += `  ${o.name}@${o.version}  ${o.license}\n`;
for (const o of out) {
  s += "\n" + "=".repeat(78) + "\n" + o.name + "@" + o.version + " (" + o.license + ")\n" + "=".repeat(78) + "\n" +
    (o.text || "(no licence file in the package; licence as declared: " + o.license + ")") + "\n";
}
fs.writeFileSync(process.argv[2], s);
JS
cd "$here" && sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js > SHA256SUMS
echo "GraphiQL assets updated in $here"
