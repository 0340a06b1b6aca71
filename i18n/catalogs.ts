import deActions from "@/messages/de/actions.json";
import deActivity from "@/messages/de/activity.json";
import deAdmin from "@/messages/de/admin.json";
import deAuditEvents from "@/messages/de/auditEvents.json";
import deAuth from "@/messages/de/auth.json";
import deCommon from "@/messages/de/common.json";
import deEmails from "@/messages/de/emails.json";
import deErrors from "@/messages/de/errors.json";
import deLayout from "@/messages/de/layout.json";
import dePreferences from "@/messages/de/preferences.json";
import deSecurity from "@/messages/de/security.json";
import deSettings from "@/messages/de/settings.json";
import deStepUp from "@/messages/de/stepUp.json";
import deStepUpActions from "@/messages/de/stepUpActions.json";
import deValidation from "@/messages/de/validation.json";
import enActions from "@/messages/en/actions.json";
import enActivity from "@/messages/en/activity.json";
import enAdmin from "@/messages/en/admin.json";
import enAuditEvents from "@/messages/en/auditEvents.json";
import enAuth from "@/messages/en/auth.json";
import enCommon from "@/messages/en/common.json";
import enEmails from "@/messages/en/emails.json";
import enErrors from "@/messages/en/errors.json";
import enLayout from "@/messages/en/layout.json";
import enPreferences from "@/messages/en/preferences.json";
import enSecurity from "@/messages/en/security.json";
import enSettings from "@/messages/en/settings.json";
import enStepUp from "@/messages/en/stepUp.json";
import enStepUpActions from "@/messages/en/stepUpActions.json";
import enValidation from "@/messages/en/validation.json";
import type { Locale } from "./locales";

/**
 * Every catalog, one file per namespace and language (messages/<locale>/<namespace>.json). English
 * is the source: its shape is the type every key is checked against (i18n/next-intl.d.ts), and the
 * catalog test holds every other language to exactly its keys.
 */
const en = {
  actions: enActions,
  activity: enActivity,
  admin: enAdmin,
  auditEvents: enAuditEvents,
  auth: enAuth,
  common: enCommon,
  emails: enEmails,
  errors: enErrors,
  layout: enLayout,
  preferences: enPreferences,
  security: enSecurity,
  settings: enSettings,
  stepUp: enStepUp,
  stepUpActions: enStepUpActions,
  validation: enValidation,
};

export type Messages = typeof en;

export const CATALOGS: Record<Locale, Messages> = {
  en,
  de: {
    actions: deActions,
    activity: deActivity,
    admin: deAdmin,
    auditEvents: deAuditEvents,
    auth: deAuth,
    common: deCommon,
    emails: deEmails,
    errors: deErrors,
    layout: deLayout,
    preferences: dePreferences,
    security: deSecurity,
    settings: deSettings,
    stepUp: deStepUp,
    stepUpActions: deStepUpActions,
    validation: deValidation,
  } satisfies Messages,
};
