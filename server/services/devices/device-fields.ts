// Field rules for device records, shared by the REST API, the console, CSV import and MDM sync.
import { z } from 'zod';
import { deviceOsValues } from '@/server/db/schema';

const EK_URI = /^urn:ek:sha256:[A-Za-z0-9+/]{43}=$/;

export const permanentIdentifierSchema = z
  .string()
  .trim()
  .min(1, 'permanentIdentifier must not be empty')
  .max(512, 'permanentIdentifier is longer than 512 characters')
  .refine((v) => !v.toLowerCase().startsWith('urn:ek:') || EK_URI.test(v), {
    message: 'an EK URI must be urn:ek:sha256: followed by the standard base64 of a SHA-256 digest',
  });

export const serialSchema = z.string().trim().min(1).max(128, 'serial is longer than 128 characters');
export const displayNameSchema = z.string().trim().max(256, 'displayName is longer than 256 characters');
export const displayIdSchema = z.string().trim().max(256, 'displayId is longer than 256 characters');
export const osSchema = z.enum(deviceOsValues, { error: `os must be one of ${deviceOsValues.join(', ')}` });
export const ownershipSchema = z.enum(['company', 'user'], { error: 'ownership must be "company" or "user"' });
export const ownerEmailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email('user.email must be an email address'));
export const tagsSchema = z
  .array(z.string().trim().min(1, 'tags must not be empty').max(64, 'a tag is longer than 64 characters'))
  .max(50, 'at most 50 tags')
  .transform((tags) => [...new Set(tags)]);
export const metadataSchema = z
  .record(z.string().min(1).max(128, 'metadata keys are at most 128 characters'), z.string().max(1024, 'metadata values are at most 1024 characters'))
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 metadata keys');

/** Everything a source can say about a device, normalised. Absent = the source does not know. */
export interface DeviceFacts {
  permanentIdentifier?: string | null;
  serial?: string | null;
  hardwareUuid?: string | null;
  displayName?: string | null;
  displayId?: string | null;
  hostname?: string | null;
  os?: (typeof deviceOsValues)[number] | null;
  osVersion?: string | null;
  model?: string | null;
  manufacturer?: string | null;
  ownership?: 'company' | 'user' | null;
  ownerEmail?: string | null;
  tags?: string[];
  metadata?: Record<string, string>;
  shared?: boolean;
  lastSeenAt?: Date | null;
}

// Placeholder serials that firmware reports on many machines: never a reason to merge devices.
const JUNK_SERIALS = new Set(['0', '0000000000', '123456789', 'DEFAULT STRING', 'TO BE FILLED BY O.E.M.', 'SYSTEM SERIAL NUMBER', 'NONE', 'N/A', 'NOT APPLICABLE', 'UNKNOWN']);

export function isMeaningfulSerial(serial: string | null | undefined): serial is string {
  if (!serial) return false;
  const s = serial.trim().toUpperCase();
  return s.length >= 4 && !JUNK_SERIALS.has(s);
}
