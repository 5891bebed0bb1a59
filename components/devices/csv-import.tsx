'use client';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Table, TBody, Td, Th, THead } from '@/components/ui/data-table';

import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type Result = inferRouterOutputs<AppRouter>['devices']['importCsv'];

export function CsvImport() {
  const trpc = useTRPC();
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [preview, setPreview] = useState<Result | null>(null);
  const [done, setDone] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const importCsv = useMutation(trpc.devices.importCsv.mutationOptions());

  async function run(commit: boolean) {
    setError(null);
    try {
      const r = await importCsv.mutateAsync({ csv, commit });
      if (commit) setDone(r);
      else setPreview(r);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const shown = done ?? preview;
  return (
    <div className="space-y-4">
      {error && <Alert>{error}</Alert>}
      {done && (
        <Alert tone={done.invalid ? 'error' : 'success'}>
          Created {done.created} device{done.created === 1 ? '' : 's'}
          {done.invalid ? `; ${done.invalid} row${done.invalid === 1 ? '' : 's'} had errors (below).` : '.'}{' '}
          <Link href="/devices" className="font-medium underline">Back to devices</Link>
        </Alert>
      )}
      {!done && (
        <div className="space-y-3 px-5 pt-5">
          <label htmlFor="csv-file" className="block text-sm font-medium text-slate-700">CSV file</label>
          <input
            id="csv-file"
            type="file"
            accept=".csv,text/csv"
            className="block text-sm text-slate-600 file:mr-3 file:rounded-md file:border-0 file:bg-brand-50 file:px-3 file:py-2 file:text-sm file:font-medium file:text-brand-700 hover:file:bg-brand-100"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              if (f.size > 2_000_000) return setError('The file is larger than 2 MB; split it.');
              setFileName(f.name);
              setCsv(await f.text());
              setPreview(null);
            }}
          />
          <p className="text-xs text-slate-500">
            The first row names the columns: <code>permanentIdentifier</code> (or <code>serial</code>), and optionally <code>displayName</code>, <code>serial</code>,{' '}
            <code>os</code>, <code>ownership</code>, <code>ownerEmail</code>, <code>tags</code> (separated by <code>;</code>). Up to 5,000 rows.
          </p>
          <label htmlFor="csv-text" className="block text-sm font-medium text-slate-700">…or paste it</label>
          <textarea
            id="csv-text"
            value={csv}
            onChange={(e) => {
              setCsv(e.target.value);
              setPreview(null);
              setFileName(null);
            }}
            rows={6}
            className="block w-full rounded-md border-0 px-3 py-2 font-mono text-xs ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
            placeholder={'permanentIdentifier,displayName,os,ownerEmail\nC02XK1ABCD,Ann MacBook,macOS,ann@example.com'}
          />
          <div className="flex items-center gap-3 pb-5">
            <Button onClick={() => void run(false)} disabled={!csv.trim()} loading={importCsv.isPending && !preview}>
              Preview{fileName ? ` ${fileName}` : ''}
            </Button>
            {preview && (
              <Button onClick={() => void run(true)} disabled={!preview.valid} loading={importCsv.isPending}>
                Import {preview.valid} valid device{preview.valid === 1 ? '' : 's'}
              </Button>
            )}
            {preview && <span className="text-sm text-slate-600">{preview.valid} valid, {preview.invalid} with errors</span>}
          </div>
        </div>
      )}
      {shown && (
        <Table compact className="border-t border-slate-200">
          <THead>
            <Th>Line</Th>
            <Th>Identifier</Th>
            <Th>Name</Th>
            <Th>Owner</Th>
            <Th>Result</Th>
          </THead>
          <TBody>
            {shown.rows.map((r) => (
              <tr key={r.line} className={r.errors.length ? 'bg-red-50/40' : ''}>
                <Td className="text-slate-500">{r.line}</Td>
                <Td className="font-mono text-xs">{r.values.permanentIdentifier ?? r.values.serial ?? '—'}</Td>
                <Td>{r.values.displayName ?? '—'}</Td>
                <Td>{r.values.ownerEmail ?? '—'}</Td>
                <Td>
                  {r.status === 'created' && <Badge tone="green">Created</Badge>}
                  {r.status === 'valid' && <Badge tone="blue">Ready</Badge>}
                  {r.errors.length > 0 && <span className="text-xs text-red-700">{r.errors.join('; ')}</span>}
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
