import { useEffect, useState } from "react";

type Props = {
  label?: string;
  /** The link to copy, built when clicked; the page's own address by default. */
  link?: () => string;
};

/** Links are the way to share a chart or a list; this puts one on the clipboard. */
export function CopyLinkButton({ label = "Copy link", link = () => location.href }: Props) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1600);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = () => {
    navigator.clipboard?.writeText(link()).then(
      () => setCopied(true),
      () => undefined,
    );
  };
  return (
    <button type="button" className="button button-quiet" onClick={copy}>
      <span aria-live="polite">{copied ? "Copied" : label}</span>
    </button>
  );
}
