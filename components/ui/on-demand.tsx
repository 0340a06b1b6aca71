"use client";

import { Suspense, use, type ComponentType } from "react";

export type OnDemandComponent<Props> = ComponentType<Props> & {
  /** Downloads the code now; rejects when it cannot be downloaded (offline, a new deploy). */
  load: () => Promise<void>;
  /** Downloads the code now, if it is not already, ignoring failures (the render after will retry). */
  preload: () => void;
};

/**
 * A component whose code is downloaded when it is first rendered, or earlier by `preload`: for
 * what only a click or the server's answer shows (a dialog, the code step), so it stays out of the
 * page's first-load JavaScript. Until the code is there it renders nothing (it was not on screen
 * before); once it is, it renders in the same pass as everything else, so a preloaded dialog opens
 * and takes focus as if it had been bundled with the page. A failed download is not kept: the next
 * render or preload tries again.
 */
export function onDemand<Props extends object>(download: () => Promise<ComponentType<Props>>): OnDemandComponent<Props> {
  let pending: Promise<ComponentType<Props>> | undefined;
  const fetchComponent = () => {
    if (!pending) {
      const promise: Promise<ComponentType<Props>> = download().then(
        (component) => {
          // React's use() reads a promise marked fulfilled synchronously: once downloaded, no render suspends.
          Object.assign(promise, { status: "fulfilled", value: component });
          return component;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      pending = promise;
    }
    return pending;
  };

  function Loaded(props: Props) {
    const Component = use(fetchComponent());
    return <Component {...props} />;
  }

  function Rendered(props: Props) {
    return (
      <Suspense fallback={null}>
        <Loaded {...props} />
      </Suspense>
    );
  }

  return Object.assign(Rendered, {
    load: () => fetchComponent().then(() => undefined),
    preload: () => void fetchComponent().catch(() => undefined),
  });
}

/** Handlers for a button that opens on-demand components (see preloadOnIntent). */
export type PreloadIntent = { onPointerEnter: () => void; onFocus: () => void };

/** Props for the button that opens `components`: their code starts downloading on hover or keyboard focus, before the click. */
export function preloadOnIntent(...components: { preload: () => void }[]): PreloadIntent {
  const preload = () => {
    for (const component of components) component.preload();
  };
  return { onPointerEnter: preload, onFocus: preload };
}

/** Runs `task` when the browser has nothing else to do (soon after the page has loaded); returns the cancellation. */
export function whenIdle(task: () => void): () => void {
  if (typeof requestIdleCallback === "function") {
    const handle = requestIdleCallback(task, { timeout: 3000 });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(task, 200);
  return () => clearTimeout(handle);
}
