import type { ReactNode } from "react";

/** A decorative line icon (hidden from screen readers) drawn in the current text colour. */
export function OutlineIcon({
  viewBox = "0 0 20 20",
  strokeWidth = 1.6,
  className = "size-4",
  children,
}: {
  viewBox?: string;
  strokeWidth?: number;
  className?: string;
  children: ReactNode;
}) {
  return (
    <svg
      aria-hidden="true"
      viewBox={viewBox}
      className={className}
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {children}
    </svg>
  );
}
