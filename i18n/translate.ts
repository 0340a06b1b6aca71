import type { _Translator } from "next-intl";
import type { Messages } from "./catalogs";

/** A catalog namespace: one file per language in messages/<locale>/<namespace>.json. */
export type Namespace = keyof Messages;

/**
 * A translator bound to one namespace, whichever way it was made: useTranslations (client),
 * getTranslations (server component or action) or translatorFor (outside a request).
 */
export type Translate<NS extends Namespace> = _Translator<Messages, NS>;
