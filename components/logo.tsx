export function Logo({ className = '' }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden>
      <rect width="32" height="32" rx="7" className="fill-brand-600" />
      <rect x="7" y="7" width="8" height="8" rx="1.5" fill="white" />
      <rect x="17" y="7" width="8" height="8" rx="1.5" fill="white" opacity=".6" />
      <rect x="7" y="17" width="8" height="8" rx="1.5" fill="white" opacity=".6" />
      <rect x="17" y="17" width="8" height="8" rx="1.5" fill="white" />
    </svg>
  );
}
