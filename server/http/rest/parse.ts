// Parsing at the edge of the REST API: version negotiation, bounded JSON bodies, deepObject
// query parameters (`filters[os]=Linux`), and zod errors turned into one readable message.
import type { z, ZodError } from 'zod';
import { API_VERSION, ApiError } from './respond';
import { readBodyLimited } from '../read-body';

export const MAX_BODY_BYTES = 256 * 1024;

/** The version comes in X-Smallstep-Api-Version or in the Accept header's vendor media type. */
export function checkVersion(req: Request): void {
  const header = req.headers.get('x-smallstep-api-version');
  const accept = req.headers.get('accept') ?? '';
  const fromAccept = /application\/vnd\.smallstep\.v(\d{4}-\d{2}-\d{2})\+json/.exec(accept)?.[1];
  const version = header?.trim() || fromAccept;
  if (!version) {
    throw new ApiError(400, `The X-Smallstep-Api-Version header is required (this server speaks ${API_VERSION})`);
  }
  if (version !== API_VERSION) {
    throw new ApiError(400, `API version ${version.slice(0, 40)} is not supported; use ${API_VERSION}`);
  }
}

export async function readJson(req: Request): Promise<unknown> {
  const type = req.headers.get('content-type') ?? '';
  if (type && !/^application\/(json|merge-patch\+json|[\w.+-]+\+json)\b/i.test(type)) {
    throw new ApiError(415, `Send the body as application/json (got ${type.slice(0, 80)})`);
  }
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes`);
  const body = await readBodyLimited(req, MAX_BODY_BYTES);
  if (!body) throw new ApiError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes`);
  const text = body.toString('utf8');
  if (!text.trim()) throw new ApiError(400, 'The request body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'The request body is not valid JSON');
  }
}

export function zodMessage(err: ZodError): string {
  const issues = err.issues.slice(0, 5).map((i) => {
    const where = i.path.length ? i.path.join('.') : 'body';
    if (i.code === 'unrecognized_keys') return `${where}: unknown field(s) ${i.keys.join(', ')}`;
    if (i.code === 'invalid_type') return `${where}: ${i.message.replace(/^Invalid input: /, '')}`;
    return `${where}: ${i.message}`;
  });
  return issues.join('; ');
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError(400, zodMessage(r.error));
  return r.data;
}

/**
 * Reads deepObject parameters: `filters[os]=Linux&filters[os]=macOS`, `filters[os][]=Linux`, and
 * comma lists `filters[os]=Linux,macOS` all give { os: ['Linux', 'macOS'] }.
 */
export function deepObject(params: URLSearchParams, name: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of params) {
    const m = new RegExp(`^${name}\\[([A-Za-z0-9_]+)\\](\\[\\d*\\])?$`).exec(key);
    if (!m) continue;
    (out[m[1]] ??= []).push(...value.split(',').map((v) => v.trim()).filter(Boolean));
  }
  return out;
}

export function parseBool(values: string[] | undefined, name: string): boolean | undefined {
  if (!values?.length) return undefined;
  const v = values[values.length - 1].toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ApiError(400, `${name} must be true or false`);
}
