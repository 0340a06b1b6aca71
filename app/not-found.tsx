import { getTranslations } from "next-intl/server";
import Link from "next/link";

export default async function NotFound() {
  const t = await getTranslations("auth");
  return (
    <div className="mx-auto max-w-md px-4 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-700">404</p>
      <h1 className="mt-2 text-2xl font-bold tracking-tight">{t("notFound.title")}</h1>
      <p className="mt-2 text-sm text-slate-600">{t("notFound.body")}</p>
      <Link href="/" className="mt-6 inline-block text-sm font-semibold text-indigo-700 hover:underline">
        {t("notFound.home")}
      </Link>
    </div>
  );
}
