// CSV import from the console: parse, validate every row, show a preview with per-row errors,
// then create the valid rows through the same service as the API.
import { z } from 'zod';
import type { Db } from '@/server/db';
import { parseCsv } from '@/lib/csv';
import type { Actor } from '../actor';
import { ServiceError } from '../errors';
import { createDevice, createDeviceInput } from './create-device';

export const importCsvInput = z.object({
  csv: z.string().max(2_000_000, 'The file is larger than 2 MB; split it'),
  commit: z.boolean().default(false),
});

const COLUMNS: Record<string, string> = {
  permanentidentifier: 'permanentIdentifier',
  permanent_identifier: 'permanentIdentifier',
  serial: 'serial',
  serialnumber: 'serial',
  displayname: 'displayName',
  name: 'displayName',
  displayid: 'displayId',
  os: 'os',
  ownership: 'ownership',
  owner: 'ownerEmail',
  owneremail: 'ownerEmail',
  user: 'ownerEmail',
  email: 'ownerEmail',
  tags: 'tags',
};

export interface ImportRow {
  line: number;
  values: Record<string, string>;
  errors: string[];
  status: 'valid' | 'invalid' | 'created' | 'failed';
}

export async function importDevicesCsv(db: Db, actor: Actor, raw: z.input<typeof importCsvInput>) {
  const { csv, commit } = importCsvInput.parse(raw);
  const table = parseCsv(csv);
  if (!table.length) throw new ServiceError('BAD_REQUEST', 'The file is empty');
  const header = table[0].map((h) => COLUMNS[h.trim().toLowerCase().replace(/[\s-]/g, '')] ?? null);
  if (!header.includes('permanentIdentifier') && !header.includes('serial')) {
    throw new ServiceError('BAD_REQUEST', 'The first row must name the columns and include permanentIdentifier or serial');
  }
  if (table.length > 5001) throw new ServiceError('BAD_REQUEST', 'At most 5000 devices per import');
  const seen = new Set<string>();
  const rows: ImportRow[] = table.slice(1).map((cells, i) => {
    const values: Record<string, string> = {};
    header.forEach((col, j) => {
      if (col && cells[j]?.trim()) values[col] = cells[j].trim();
    });
    const candidate = {
      ...values,
      permanentIdentifier: values.permanentIdentifier ?? values.serial,
      tags: values.tags ? values.tags.split(/[;|]/).map((t) => t.trim()).filter(Boolean) : undefined,
      os: values.os ? matchOs(values.os) : undefined,
      ownership: values.ownership?.toLowerCase(),
    };
    const parsed = createDeviceInput.safeParse(candidate);
    const errors = parsed.success ? [] : parsed.error.issues.map((e) => `${e.path.join('.') || 'row'}: ${e.message}`);
    const key = candidate.permanentIdentifier;
    if (key && seen.has(key)) errors.push(`permanentIdentifier: ${key} appears more than once in the file`);
    if (key) seen.add(key);
    return { line: i + 2, values, errors, status: errors.length ? 'invalid' : 'valid' };
  });
  const nonEmpty = rows.filter((r) => Object.keys(r.values).length);
  if (commit) {
    for (const row of nonEmpty) {
      if (row.status !== 'valid') continue;
      const v = row.values;
      try {
        await createDevice(
          db,
          actor,
          createDeviceInput.parse({
            ...v,
            permanentIdentifier: v.permanentIdentifier ?? v.serial,
            tags: v.tags ? v.tags.split(/[;|]/).map((t) => t.trim()).filter(Boolean) : undefined,
            os: v.os ? matchOs(v.os) : undefined,
            ownership: v.ownership?.toLowerCase(),
          }),
          'manual',
          { approve: true },
        );
        row.status = 'created';
      } catch (err) {
        row.status = 'failed';
        row.errors.push((err as Error).message);
      }
    }
  }
  return {
    rows: nonEmpty.slice(0, 5000),
    valid: nonEmpty.filter((r) => r.status === 'valid' || r.status === 'created').length,
    invalid: nonEmpty.filter((r) => r.status === 'invalid' || r.status === 'failed').length,
    created: nonEmpty.filter((r) => r.status === 'created').length,
  };
}

const OS = ['Linux', 'Windows', 'macOS', 'iOS', 'tvOS', 'watchOS', 'visionOS'];
function matchOs(v: string): string {
  return OS.find((o) => o.toLowerCase() === v.toLowerCase()) ?? v;
}
