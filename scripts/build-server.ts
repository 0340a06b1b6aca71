// The production server (server/main.ts and the few lib modules it imports; the app itself is
// Next.js's build) bundled into one plain JavaScript file beside the build, run by `npm start` with
// plain Node. Run under tsx, the server also kept tsx's module-loader thread (a second V8 heap)
// and its compiler for the life of the process: about 25 MB of memory per instance for nothing.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { SERVER_BUNDLE } from "./server-runtime";

// lib/ modules say `import "server-only"` for Next.js's bundler; outside React's server build that
// package throws on purpose, so here it is the empty module it stands for.
const serverOnly: Plugin = {
  name: "server-only",
  setup(build) {
    build.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "empty" }));
    build.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "", loader: "js" }));
  },
};

/** Bundles server/main.ts into `<distDir>/app-server.mjs`; dependencies stay imports of node_modules. */
export async function buildServer(distDir: string): Promise<string> {
  const outfile = path.join(distDir, SERVER_BUNDLE);
  await build({
    entryPoints: ["server/main.ts"],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    plugins: [serverOnly],
    logLevel: "warning",
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void buildServer(process.env.NEXT_DIST_DIR || ".next").then((outfile) => console.log(`▸ Server bundled into ${outfile}`));
}
