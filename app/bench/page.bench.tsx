// Exists only in benchmark builds (NEXT_BENCH_ROUTES=1, see next.config.js): the bare page that
// first-load JavaScript is compared with, and the module that puts the no-op action in the build.
import { noopAuthenticatedAction } from "./actions";

export default function BarePage() {
  return (
    <main>
      <h1>Bare page</h1>
      <p hidden>{typeof noopAuthenticatedAction}</p>
    </main>
  );
}
