import { ensureProductionBuild, PROD_DIST_DIR } from "@/tooling/prod-stack";

/** One production build for every file here, reused while it is newer than the sources. */
export default function setup(): void {
  const build = ensureProductionBuild((line) => console.log(line));
  console.log(build.built ? `built ${PROD_DIST_DIR} in ${build.seconds}s` : `reusing the ${PROD_DIST_DIR} build`);
}
