'use client';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Table, TBody, Td, Th, THead } from '@/components/ui/data-table';
import { inputClass } from '@/components/ui/field';
import { ApprovalBadge, AssuranceBadge, LifecycleBadge, SourceBadges } from './device-badges';

export interface DeviceRow {
  id: string;
  displayName: string | null;
  serial: string | null;
  permanentIdentifier: string | null;
  os: string | null;
  osVersion: string | null;
  ownerEmail: string | null;
  approvalStatus: string;
  assurance: string;
  lifecycleStatus: string;
  sourceKinds: string[];
  tags: string[];
  enrolledAt: string;
  lastSeenAt: string | null;
}

type Action = { kind: 'approved' | 'rejected' } | { kind: 'tag' };

export function DeviceTable({ rows }: { rows: DeviceRow[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [action, setAction] = useState<Action | null>(null);
  const [tag, setTag] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const approve = useMutation(trpc.devices.setApproval.mutationOptions());
  const tagMutation = useMutation(trpc.devices.tag.mutationOptions());
  const all = rows.length > 0 && selected.size === rows.length;

  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  async function run() {
    if (!action) return;
    setError(null);
    try {
      const deviceIds = [...selected];
      if (action.kind === 'tag') {
        const r = await tagMutation.mutateAsync({ deviceIds, add: [tag.trim()] });
        setNotice(`Tagged ${r.changed} device${r.changed === 1 ? '' : 's'} “${tag.trim()}”.`);
      } else {
        const r = await approve.mutateAsync({ deviceIds, decision: action.kind });
        setNotice(`${action.kind === 'approved' ? 'Approved' : 'Rejected'} ${r.changed} device${r.changed === 1 ? '' : 's'}${r.unchanged ? ` (${r.unchanged} already were)` : ''}.`);
      }
      setAction(null);
      setSelected(new Set());
      setTag('');
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <>
      {notice && (
        <div className="mb-3">
          <Alert tone="success">{notice}</Alert>
        </div>
      )}
      <div
        className={`flex flex-wrap items-center gap-2 border-b border-slate-200 px-4 py-2.5 ${selected.size ? 'bg-brand-50' : 'bg-white'}`}
        aria-live="polite"
      >
        <span className="mr-2 text-sm text-slate-600">{selected.size ? `${selected.size} selected` : 'Select devices for bulk actions'}</span>
        <Button size="sm" disabled={!selected.size} onClick={() => setAction({ kind: 'approved' })}>
          Approve
        </Button>
        <Button size="sm" variant="secondary" disabled={!selected.size} onClick={() => setAction({ kind: 'rejected' })}>
          Reject
        </Button>
        <Button size="sm" variant="secondary" disabled={!selected.size} onClick={() => setAction({ kind: 'tag' })}>
          Add tag
        </Button>
      </div>
      <Table>
        <THead>
          <Th className="w-10">
            <input
              type="checkbox"
              aria-label="Select all devices on this page"
              checked={all}
              onChange={() => setSelected(all ? new Set() : new Set(rows.map((r) => r.id)))}
              className="size-4 rounded border-slate-300 text-brand-600"
            />
          </Th>
          <Th>Device</Th>
          <Th>Owner</Th>
          <Th>OS</Th>
          <Th>Status</Th>
          <Th>Sources</Th>
          <Th>Enrolled</Th>
        </THead>
        <TBody>
          {rows.map((d) => (
            <tr key={d.id} className={selected.has(d.id) ? 'bg-brand-50/50' : 'hover:bg-slate-50'}>
              <Td>
                <input
                  type="checkbox"
                  aria-label={`Select ${d.displayName || d.serial || d.id}`}
                  checked={selected.has(d.id)}
                  onChange={() => toggle(d.id)}
                  className="size-4 rounded border-slate-300 text-brand-600"
                />
              </Td>
              <Td className="max-w-xs">
                <Link href={`/devices/${d.id}`} className="font-medium text-slate-900 hover:text-brand-700">
                  {d.displayName || d.serial || 'Unnamed device'}
                </Link>
                <p className="truncate font-mono text-xs text-slate-500" title={d.permanentIdentifier ?? undefined}>
                  {d.serial ?? d.permanentIdentifier ?? '—'}
                </p>
                {d.tags.length > 0 && <p className="mt-0.5 truncate text-xs text-slate-500">{d.tags.map((t) => `#${t}`).join(' ')}</p>}
              </Td>
              <Td className="text-slate-700">{d.ownerEmail ?? <span className="text-slate-400">Unassigned</span>}</Td>
              <Td className="whitespace-nowrap text-slate-700">
                {d.os ?? '—'} {d.osVersion && <span className="text-slate-400">{d.osVersion}</span>}
              </Td>
              <Td>
                <div className="flex flex-wrap gap-1">
                  <ApprovalBadge status={d.approvalStatus} />
                  <AssuranceBadge assurance={d.assurance} />
                  <LifecycleBadge status={d.lifecycleStatus} />
                </div>
              </Td>
              <Td>
                <SourceBadges kinds={d.sourceKinds} />
              </Td>
              <Td className="whitespace-nowrap text-slate-500">{d.enrolledAt.slice(0, 10)}</Td>
            </tr>
          ))}
        </TBody>
      </Table>
      <ConfirmDialog
        open={action !== null}
        title={
          action?.kind === 'tag'
            ? `Tag ${selected.size} device${selected.size === 1 ? '' : 's'}`
            : `${action?.kind === 'approved' ? 'Approve' : 'Reject'} ${selected.size} device${selected.size === 1 ? '' : 's'}?`
        }
        confirmLabel={action?.kind === 'tag' ? 'Add tag' : action?.kind === 'approved' ? 'Approve' : 'Reject'}
        danger={action?.kind === 'rejected'}
        busy={approve.isPending || tagMutation.isPending}
        error={error}
        onCancel={() => {
          setAction(null);
          setError(null);
        }}
        onConfirm={() => {
          if (action?.kind === 'tag' && !tag.trim()) return setError('Enter a tag');
          void run();
        }}
      >
        {action?.kind === 'tag' ? (
          <>
            <label htmlFor="bulk-tag" className="mb-1 block text-sm font-medium text-slate-700">Tag</label>
            <input id="bulk-tag" value={tag} onChange={(e) => setTag(e.target.value)} className={inputClass} maxLength={64} autoFocus />
          </>
        ) : action?.kind === 'approved' ? (
          'Approved devices can receive certificates once they attest or enroll.'
        ) : (
          'Rejected devices cannot receive certificates. You can approve them later.'
        )}
      </ConfirmDialog>
    </>
  );
}
