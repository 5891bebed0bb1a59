// CSV export of the devices list for signed-in Owners and Admins, with the console's filters.
// Streams page by page, so memory stays flat whatever the inventory size.
import { getDb } from '@/server/db';
import { getUserFromHeaders } from '@/server/auth/current-user';
import { csvField } from '@/lib/csv';
import { deviceQueryFromParams } from '@/server/services/devices/device-query';
import { listDevices } from '@/server/services/devices/list-devices';

const COLUMNS = [
  'id',
  'permanentIdentifier',
  'serial',
  'displayName',
  'os',
  'osVersion',
  'model',
  'ownership',
  'ownerEmail',
  'approvalStatus',
  'assurance',
  'lifecycleStatus',
  'sources',
  'tags',
  'enrolledAt',
  'lastSeenAt',
] as const;

export async function handleDevicesExport(req: Request): Promise<Response> {
  const user = await getUserFromHeaders(req.headers);
  if (!user) return Response.json({ message: 'Sign in first' }, { status: 401 });
  if (user.role !== 'owner' && user.role !== 'admin') return Response.json({ message: 'Only Admins and Owners can export devices' }, { status: 403 });
  const db = await getDb();
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const query = deviceQueryFromParams(params);
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let started = false;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(COLUMNS.join(',') + '\r\n'));
        }
        const page = await listDevices(db, { ...query, first: 1000, after: cursor });
        if (cancelled) return; // the client went away while we queried
        const lines = page.devices.map((d) =>
          [
            d.id,
            d.permanentIdentifier,
            d.serial,
            d.displayName,
            d.os,
            d.osVersion,
            d.model,
            d.ownership,
            d.ownerEmail,
            d.approvalStatus,
            d.assurance,
            d.lifecycleStatus,
            d.sourceKinds.join(';'),
            d.tags.join(';'),
            d.enrolledAt.toISOString(),
            d.lastSeenAt?.toISOString(),
          ]
            .map(csvField)
            .join(','),
        );
        if (lines.length) controller.enqueue(encoder.encode(lines.join('\r\n') + '\r\n'));
        if (!page.nextCursor) controller.close();
        cursor = page.nextCursor ?? undefined;
      } catch (err) {
        console.error('[export] device export failed:', err);
        controller.error(err);
      }
    },
    cancel() {
      cancelled = true;
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="tessera-devices-${date}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
