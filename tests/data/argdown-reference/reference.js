// Counts what the reference Argdown parser (@argdown/node) finds in each file, for argmap's tests.
// Run from a scratch folder where `npm install @argdown/node` was done:
//   NODE_PATH=$PWD/node_modules node reference.js OUTDIR FILE.argdown...
// Writes OUTDIR/NAME.json: counts, parser errors with lines, and the map itself (titles, relations).
const fs = require("fs");
const path = require("path");
const { argdown } = require("@argdown/node");

const node = (member) =>
  member.type === "argument" ? `<${member.title}>`
  : member.type === "inference" ? `<${member.argumentTitle}>.inference`
  : `[${member.title}]`;

const [outDir, ...files] = process.argv.slice(2);
for (const file of files) {
  const response = argdown.run({
    input: fs.readFileSync(file, "utf8"),
    process: ["parse-input", "build-model"],
    logLevel: "none",
  });
  const relations = { support: 0, attack: 0, undercut: 0, contrary: 0, contradictory: 0 };
  for (const r of response.relations || []) relations[r.relationType] = (relations[r.relationType] || 0) + 1;
  const result = {
    statements: Object.keys(response.statements || {}).length,
    arguments: Object.keys(response.arguments || {}).length,
    relations,
    parser_errors: [...(response.lexerErrors || []), ...(response.parserErrors || [])].map((e) => ({
      line: e.token ? e.token.startLine : e.line,
      message: e.message,
    })),
    exceptions: (response.exceptions || []).map((e) => String(e.message || e)),
    map: {
      statements: Object.keys(response.statements || {}).sort(),
      arguments: Object.keys(response.arguments || {}).sort(),
      relations: (response.relations || [])
        .map((r) => [r.relationType, node(r.from), node(r.to)])
        .map((r) => JSON.stringify(r)).sort().map((r) => JSON.parse(r)),
    },
  };
  const name = path.basename(file).replace(/\.argdown$/, ".json");
  fs.writeFileSync(path.join(outDir, name), JSON.stringify(result, null, 2) + "\n");
}
