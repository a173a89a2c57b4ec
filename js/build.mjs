// Builds js/dist/ from js/src/: `npm run build` (or `make js`). `node js/build.mjs <dir>` writes the same
// files to <dir> instead; tests/integration/test_loader_build.py uses that to prove js/dist/ is a fresh build.
// `node js/build.mjs <dir> --without popup,report` writes only the classic script, built without the
// source lines marked `// @feature <name>` (one line) or between `// @feature <name>` and `// @end <name>`
// lines: `make bench` prices each feature in bytes that way.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const js = dirname(fileURLToPath(import.meta.url));
const dist = join(js, "dist");
const [target, flag, names] = process.argv.slice(2);
const out = resolve(target ?? dist);
const without = flag == "--without" ? new Set(names.split(",")) : null;

/** The source with the marked parts of the named features taken out. */
function strip(source) {
  let skipping = null;
  return source
    .split("\n")
    .filter((line) => {
      const marker = /^(.*?)\/\/ @(feature|end) ([a-z-]+)$/.exec(line);
      if (skipping) {
        if (marker?.[2] == "end" && marker[3] == skipping) skipping = null;
        return false;
      }
      if (!marker || !without.has(marker[3])) return true;
      if (marker[1].trim() == "") skipping = marker[3];
      return false;
    })
    .join("\n");
}
const features = {
  name: "features",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => ({ contents: strip(readFileSync(args.path, "utf8")), loader: "ts" }));
  },
};

const shared = {
  bundle: true,
  minify: true,
  target: "es2022",
  charset: "utf8",
  legalComments: "none",
  sourcesContent: true,
  // Paths in the source maps are relative to js/dist/, wherever this build is written.
  outdir: dist,
  write: false,
  logLevel: "warning",
};

const elementModule = {
  name: "element-module",
  setup(build) {
    build.onResolve({ filter: /^\.\/index(\.js)?$/ }, () => ({ path: "./pandium-embed.mjs", external: true }));
  },
};

if (without) {
  const [file] = (
    await esbuild.build({ ...shared, entryPoints: { "pandium-embed": join(js, "src/pandium-embed.ts") }, format: "iife", plugins: [features] })
  ).outputFiles;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "pandium-embed.js"), file.contents);
  process.exit(0);
}

const builds = await Promise.all([
  // The classic script the middleware serves (with its config substituted) and the wheel ships. Its map
  // is not linked: the served copy is not the file on disk (add the map in devtools by hand).
  esbuild.build({ ...shared, entryPoints: { "pandium-embed": join(js, "src/pandium-embed.ts") }, format: "iife", sourcemap: "external" }),
  // The ES module for bundlers (the npm package).
  esbuild.build({
    ...shared,
    entryPoints: { "pandium-embed": join(js, "src/index.ts") },
    format: "esm",
    outExtension: { ".js": ".mjs" },
    sourcemap: "linked",
  }),
  // `pandium-embed/react`: React stays the app's (a peer dependency), and the element comes from the
  // package's own module, so a page has one copy of it.
  esbuild.build({
    ...shared,
    entryPoints: { react: join(js, "src/react.ts") },
    format: "esm",
    outExtension: { ".js": ".mjs" },
    sourcemap: "linked",
    external: ["react"],
    plugins: [elementModule],
  }),
  // `pandium-embed/testing`: page objects for the app's own @playwright/test suite, which brings
  // @playwright/test (an optional peer dependency: one copy, the runner's).
  esbuild.build({
    ...shared,
    entryPoints: { testing: join(js, "testing/index.ts") },
    format: "esm",
    platform: "node",
    outExtension: { ".js": ".mjs" },
    sourcemap: "linked",
    external: ["@playwright/test"],
  }),
]);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const file of builds.flatMap((build) => build.outputFiles)) {
  writeFileSync(join(out, relative(dist, file.path)), file.contents);
}

// Declarations come from the same source, so the types cannot drift from the behaviour.
const tsc = join(js, "..", "node_modules", ".bin", "tsc");
execFileSync(tsc, ["-p", join(js, "tsconfig.json"), "--declarationDir", join(out, "types")], { stdio: "inherit" });
execFileSync(tsc, ["-p", join(js, "testing", "tsconfig.json"), "--declarationDir", join(out, "types", "testing")], { stdio: "inherit" });
