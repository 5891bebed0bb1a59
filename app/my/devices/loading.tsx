export default function Loading() {
  return (
    <div className="animate-pulse space-y-6" aria-busy="true" aria-label="Loading your devices">
      <div className="h-8 w-48 rounded bg-slate-200" />
      <div className="h-40 rounded-lg bg-white ring-1 ring-slate-200" />
      <div className="h-64 rounded-lg bg-white ring-1 ring-slate-200" />
    </div>
  );
}
