import type { ReactNode } from "react";

/** What a page tells a section to be called (the security page's sections get theirs from its table of contents). */
export type CardHeading = { headingId: string; title: string; description?: ReactNode };

/** A titled section of a page; the heading names it for screen readers. */
export function Card({
  headingId,
  title,
  description,
  action,
  className = "",
  children,
}: CardHeading & {
  /** A button or badge at the heading's end. */
  action?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={headingId} className={`rounded-xl bg-surface shadow-sm ring-1 ring-slate-200 ${className}`}>
      {/* The action moves under the heading when both do not fit side by side (a phone, a longer language). */}
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-3 border-b border-slate-200 px-6 py-5">
        <div className="min-w-0 flex-1 basis-56">
          <h2 id={headingId} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
        </div>
        {action}
      </div>
      {children}
    </section>
  );
}

export function CardBody({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <div className={`px-6 py-5 ${className}`}>{children}</div>;
}
