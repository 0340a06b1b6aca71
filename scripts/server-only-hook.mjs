// Lets scripts (dev, start, migrate, seed, benchmarks, the e2e server) import lib/ modules (which `import "server-only"`) without the
// react-server condition, which would break React Email rendering (react-dom/server).
import { register } from "node:module";

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === "server-only") return { url: "data:text/javascript,export {}", shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
