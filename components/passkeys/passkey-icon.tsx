import { OutlineIcon } from "@/components/ui/outline-icon";

/** A person and a key, drawn on a 24×24 grid: the inside of an OutlineIcon or a ModalIcon. */
export function PasskeyGlyph() {
  return (
    <>
      <circle cx="9" cy="7.5" r="3.5" />
      <path d="M2.5 20c0-3.6 2.9-6.5 6.5-6.5 1.3 0 2.5.4 3.5 1" />
      <circle cx="17.5" cy="14" r="2.5" />
      <path d="M17.5 16.5V21M17.5 19h1.8" />
    </>
  );
}

export function PasskeyIcon({ className = "size-4", strokeWidth = 1.8 }: { className?: string; strokeWidth?: number }) {
  return (
    <OutlineIcon viewBox="0 0 24 24" strokeWidth={strokeWidth} className={className}>
      <PasskeyGlyph />
    </OutlineIcon>
  );
}
