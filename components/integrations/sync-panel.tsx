'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { formatRelative } from '@/lib/format';
import { EditConnection } from './edit-connection';

function Counts({ run }: { run: { fetched: number; added: number; updated: number; unchanged: number; removed: number } }) {
  return (
    <span className="text-xs text-slate-500">
      {run.fetched.toLocaleString('en-US')} fetched · {run.added.toLocaleString('en-US')} added · {run.updated.toLocaleString('en-US')} updated ·{' '}
      {run.unchanged.toLocaleString('en-US')} unchanged · {run.removed.toLocaleString('en-US')} removed from MDM
    </span>
  );
}

export function SyncPanel({ id, name }: { id: string; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const qc = useQueryClient();
  const status = useQuery({
    ...trpc.integrations.status.queryOptions({ id }),
    refetchInterval: (q) => (q.state.data?.current ? 1500 : 15_000),
  });
  const syncNow = useMutation(trpc.integrations.syncNow.mutationOptions());
  const test = useMutation(trpc.integrations.test.mutationOptions());
  const disconnect = useMutation(trpc.integrations.disconnect.mutationOptions());
  const [confirm, setConfirm] = useState(false);
  const [removeDevices, setRemoveDevices] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const s = status.data;
  const current = s?.current;
  const pct = current?.totalEstimate ? Math.min(100, Math.round((current.fetched / current.totalEstimate) * 100)) : null;

  return (
    <div className="space-y-3" data-testid={`sync-${name}`}>
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="mr-auto text-sm font-semibold text-slate-900">Inventory sync</h3>
        <Button
          size="sm"
          loading={syncNow.isPending}
          disabled={!!current}
          onClick={async () => {
            await syncNow.mutateAsync({ id });
            setTimeout(() => void qc.invalidateQueries({ queryKey: trpc.integrations.status.queryKey({ id }) }), 300);
          }}
        >
          Sync now
        </Button>
        <Button size="sm" variant="secondary" loading={test.isPending} onClick={() => test.mutate({ id })}>
          Test connection
        </Button>
        {s && <EditConnection id={id} name={s.integration.name} syncIntervalMinutes={s.integration.syncIntervalMinutes} syncEnabled={s.integration.syncEnabled} />}
        <Button size="sm" variant="secondary" onClick={() => setConfirm(true)}>
          Disconnect
        </Button>
      </div>
      {test.data &&
        (test.data.ok ? (
          <Alert tone="success">
            Connected{test.data.serverVersion ? ` to version ${test.data.serverVersion}` : ''}
            {test.data.deviceCount != null ? `; ${test.data.deviceCount.toLocaleString('en-US')} devices` : ''}.
          </Alert>
        ) : (
          <Alert>{test.data.message}</Alert>
        ))}
      {status.isLoading ? (
        <p className="text-sm text-slate-500">Loading sync status…</p>
      ) : current ? (
        <div role="status" aria-live="polite" className="rounded-md bg-brand-50 p-3">
          <div className="flex items-center justify-between text-sm">
            <span className="font-medium text-brand-700">Syncing ({current.phase}, page {current.nextPage + 1})…</span>
            <span className="text-xs text-brand-700">{pct != null ? `${pct}%` : `${current.fetched.toLocaleString('en-US')} devices so far`}</span>
          </div>
          <div className="mt-2 h-2 overflow-hidden rounded-full bg-white" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
            <div className={`h-2 rounded-full bg-brand-500 ${pct == null ? 'w-1/3 animate-pulse' : ''}`} style={pct != null ? { width: `${Math.max(3, pct)}%` } : undefined} />
          </div>
          <div className="mt-1">
            <Counts run={current} />
          </div>
        </div>
      ) : null}
      {s && !current && (
        <div className="space-y-1 text-sm">
          {s.lastSuccess ? (
            <p>
              <Badge tone="green">Last sync succeeded</Badge> <span className="text-slate-600">{formatRelative(s.lastSuccess.finishedAt)}</span> <Counts run={s.lastSuccess} />
            </p>
          ) : (
            !s.lastError && <p className="text-slate-500">Not synced yet.</p>
          )}
          {s.lastError && (
            <p>
              <Badge tone="red">Last sync failed</Badge> <span className="text-slate-600">{formatRelative(s.lastError.finishedAt)}:</span>{' '}
              <span className="text-red-700" data-testid="sync-error">{s.lastError.error}</span>
            </p>
          )}
          {!s.integration.syncEnabled && <p className="text-xs text-amber-700">Scheduled sync is off; use Sync now.</p>}
          {s.integration.syncEnabled && s.integration.nextSyncAt && <p className="text-xs text-slate-500">Next scheduled sync {new Date(s.integration.nextSyncAt).toISOString().slice(0, 16).replace('T', ' ')} UTC (every {Math.round(s.integration.syncIntervalMinutes / 60 * 10) / 10} h).</p>}
        </div>
      )}
      {s && s.history.length > 0 && (
        <details>
          <summary className="cursor-pointer text-xs font-medium text-brand-600">Recent runs</summary>
          <table className="mt-2 min-w-full text-xs">
            <thead className="text-left text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-3">Started</th>
                <th scope="col" className="py-1 pr-3">Trigger</th>
                <th scope="col" className="py-1 pr-3">Status</th>
                <th scope="col" className="py-1 pr-3">Fetched</th>
                <th scope="col" className="py-1 pr-3">Added</th>
                <th scope="col" className="py-1 pr-3">Updated</th>
                <th scope="col" className="py-1 pr-3">Removed</th>
              </tr>
            </thead>
            <tbody>
              {s.history.map((r) => (
                <tr key={r.id} className="border-t border-slate-100">
                  <td className="py-1 pr-3">{formatRelative(r.startedAt)}</td>
                  <td className="py-1 pr-3">{r.trigger}</td>
                  <td className="py-1 pr-3">{r.status}</td>
                  <td className="py-1 pr-3">{r.fetched}</td>
                  <td className="py-1 pr-3">{r.added}</td>
                  <td className="py-1 pr-3">{r.updated}</td>
                  <td className="py-1 pr-3">{r.removed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      <ConfirmDialog
        open={confirm}
        danger
        title={`Disconnect “${name}”?`}
        confirmLabel="Disconnect"
        busy={disconnect.isPending}
        error={error}
        onCancel={() => setConfirm(false)}
        onConfirm={async () => {
          try {
            await disconnect.mutateAsync({ id, removeDevices });
            setConfirm(false);
            router.refresh();
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      >
        <p className="mb-3">Its credentials, SCEP endpoint and challenge webhook are removed; certificates already issued stay valid until revoked.</p>
        <fieldset className="space-y-2">
          <legend className="sr-only">Devices</legend>
          <label className="flex items-start gap-2">
            <input type="radio" name="devices" checked={!removeDevices} onChange={() => setRemoveDevices(false)} className="mt-1" />
            <span>Keep its devices in the inventory (only this source is detached)</span>
          </label>
          <label className="flex items-start gap-2">
            <input type="radio" name="devices" checked={removeDevices} onChange={() => setRemoveDevices(true)} className="mt-1" />
            <span>Remove devices that came only from this connection</span>
          </label>
        </fieldset>
      </ConfirmDialog>
    </div>
  );
}
