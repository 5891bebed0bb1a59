// A device in the REST API's shape (schema `device` of the 2025-01-01 contract). Empty values are
// left out, as the reference implementation does.
import type { Device } from '@/server/db/schema';

const sourceNames: Record<string, string> = {
  manual: 'End-User',
  idp: 'End-User',
  api: 'Smallstep API',
  agent: 'Smallstep Agent',
  jamf: 'Jamf',
  fleet: 'Fleet',
};

export const apiSourceToKinds: Record<string, string[]> = {
  'End-User': ['manual', 'idp'],
  'Smallstep API': ['api'],
  'Smallstep Agent': ['agent'],
  Jamf: ['jamf'],
  Intune: ['intune'],
  Fleet: ['fleet'],
};

const CONNECTED_WINDOW_MS = 15 * 60 * 1000;

export function toApiDevice(d: Device, ownerName?: string | null) {
  const out: Record<string, unknown> = {
    id: d.id,
    permanentIdentifier: d.permanentIdentifier ?? d.serial ?? d.hardwareUuid ?? d.id,
    connected: d.sourceKinds.includes('agent') && !!d.lastSeenAt && Date.now() - d.lastSeenAt.getTime() < CONNECTED_WINDOW_MS,
    highAssurance: d.assurance === 'high',
    lifecycleStatus: d.lifecycleStatus,
    shared: d.shared,
    enrolledAt: d.enrolledAt.toISOString(),
    tags: d.tags,
    metadata: d.metadata,
  };
  if (d.serial) out.serial = d.serial;
  if (d.displayId) out.displayId = d.displayId;
  if (d.displayName) out.displayName = d.displayName;
  if (d.os) out.os = d.os;
  if (d.ownership) out.ownership = d.ownership;
  if (d.ownerEmail) out.user = ownerName ? { email: d.ownerEmail, displayName: ownerName } : { email: d.ownerEmail };
  if (d.approvedAt && d.approvalStatus === 'approved') out.approvedAt = d.approvedAt.toISOString();
  if (d.lastSeenAt) out.lastSeen = d.lastSeenAt.toISOString();
  if (d.hostname) out.hostID = d.hostname;
  return out;
}

export function sourceName(kind: string): string {
  return sourceNames[kind] ?? kind;
}
