// Builds js/dist/ from js/src/: `npm run build` (or `make js`). `node js/build.mjs <dir>` writes the same
// files to <dir> instead; tests/integration/test_loader_build.py uses that to prove js/dist/ is a fresh build.
// One source, two builds of each browser file: production (`__DEV__` false: esbuild drops every branch
// it guards, so no diagnostic text ships) and development (`*.development.*`: says why, on the console
// and as `pandium:diagnostic`).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const js = dirname(fileURLToPath(import.meta.url));
const dist = join(js, "dist");
const [target] = process.argv.slice(2);
const out = resolve(target ?? dist);

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

/**
 * The main entry and the React wrapper import the element from the package's own module of the same
 * build (`./pure` is dist/pure.mjs, `./index` dist/pandium-embed.mjs): one copy of the class per page.
 */
const packageModules = (suffix) => ({
  name: "package-modules",
  setup(build) {
    build.onResolve({ filter: /^\.\/(index|pure)(\.js)?$/ }, ({ path }) => ({
      path: `./${path.startsWith("./index") ? "pandium-embed" : "pure"}${suffix}.mjs`,
      external: true,
    }));
  },
});

/** The production and the development build of one file: `name.mjs` and `name.development.mjs`. */
function twoBuilds(name, { entryPoint, plugins, ...options }) {
  return [false, true].map((development) => {
    const suffix = development ? ".development" : "";
    return esbuild.build({
      ...shared,
      ...options,
      entryPoints: { [name + suffix]: entryPoint },
      define: { __DEV__: String(development) },
      plugins: plugins?.(suffix),
    });
  });
}

const builds = await Promise.all([
  // The classic script the middleware serves (with its config substituted) and the wheel ships. Its map
  // is not linked: the served copy is not the file on disk (add the map in devtools by hand).
  ...twoBuilds("pandium-embed", { entryPoint: join(js, "src/pandium-embed.ts"), format: "iife", sourcemap: "external" }),
  // `<prefix>/prewarm.js`, the opt-in classic script for prewarming (out of embed.js, whose size is
  // budgeted), with the same config placeholder. It has no diagnostics: one build.
  esbuild.build({
    ...shared,
    entryPoints: { "pandium-prewarm": join(js, "src/prewarm-script.ts") },
    format: "iife",
    define: { __DEV__: "false" },
  }),
  // The ES modules for bundlers (the npm package): `pandium-embed/pure` (no side effects), and the main
  // entry, which imports it and defines the element.
  ...twoBuilds("pure", { entryPoint: join(js, "src/pure.ts"), format: "esm", outExtension: { ".js": ".mjs" }, sourcemap: "linked" }),
  ...twoBuilds("pandium-embed", {
    entryPoint: join(js, "src/index.ts"),
    format: "esm",
    outExtension: { ".js": ".mjs" },
    sourcemap: "linked",
    plugins: (suffix) => [packageModules(suffix)],
  }),
  // `pandium-embed/react`: React stays the app's (a peer dependency), and the element comes from the
  // package's own module, so a page has one copy of it.
  ...twoBuilds("react", {
    entryPoint: join(js, "src/react.ts"),
    format: "esm",
    outExtension: { ".js": ".mjs" },
    sourcemap: "linked",
    external: ["react"],
    plugins: (suffix) => [packageModules(suffix)],
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
    // The event names come from the package's own entry (the element's one event table).
    external: ["@playwright/test", "pandium-embed"],
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
