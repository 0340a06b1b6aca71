import type { ReactNode } from "react";

export function AuthCard({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <>
      <div className="mb-8 text-center">
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">{title}</h1>
        {subtitle && <p className="mt-2 text-sm [overflow-wrap:anywhere] text-slate-600">{subtitle}</p>}
      </div>
      <div className="rounded-xl bg-surface px-6 py-8 shadow-sm ring-1 ring-slate-200 sm:px-8">{children}</div>
      {footer && <p className="mt-6 text-center text-sm text-slate-600">{footer}</p>}
    </>
  );
}
