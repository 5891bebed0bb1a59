// A horizontal bar chart as plain HTML: readable, accessible (each bar has its number), no library.
export function BarList({ items, tone = 'bg-brand-500' }: { items: { label: string; value: number }[]; tone?: string }) {
  const max = Math.max(1, ...items.map((i) => i.value));
  if (!items.length) return <p className="px-5 py-6 text-center text-sm text-slate-500">No devices yet</p>;
  return (
    <ul className="space-y-2.5 px-5 py-4">
      {items.map((i) => (
        <li key={i.label} className="text-sm">
          <div className="mb-1 flex justify-between">
            <span className="text-slate-700">{i.label}</span>
            <span className="font-medium tabular-nums text-slate-900">{i.value.toLocaleString('en-US')}</span>
          </div>
          <div className="h-2 rounded-full bg-slate-100" aria-hidden>
            <div className={`h-2 rounded-full ${tone}`} style={{ width: `${Math.max(2, (i.value / max) * 100)}%` }} />
          </div>
        </li>
      ))}
    </ul>
  );
}
