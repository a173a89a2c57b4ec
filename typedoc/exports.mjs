// Prints, as JSON, every name each entry point of the npm package exports (its `exports` map's `types`),
// read from the shipped declarations by TypeScript's own checker, not by TypeDoc:
// tests/integration/test_api_reference.py checks that the JavaScript API reference names each one.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, "../js");
const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
const entries = Object.entries(manifest.exports)
  .filter(([, target]) => typeof target == "object" && target.types)
  .map(([subpath, target]) => [join(manifest.name, subpath), resolve(pkg, target.types)]);

const config = ts.getParsedCommandLineOfConfigFile(join(here, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } });
const program = ts.createProgram(entries.map(([, file]) => file), config.options);
const checker = program.getTypeChecker();
const exported = {};
for (const [name, file] of entries) {
  const module = checker.getSymbolAtLocation(program.getSourceFile(file));
  exported[name] = checker.getExportsOfModule(module).map((symbol) => symbol.name).sort();
}
console.log(JSON.stringify(exported, null, 2));
