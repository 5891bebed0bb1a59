// Checks that the OpenAPI document hangs together and says what the code does: one operation per
// exported handler in app/api/v1, and the enumerations the REST adapter accepts. The code is read
// as text, never imported, so this test needs no database.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tesseraOpenApi as doc } from './tessera-openapi';

const root = path.resolve(import.meta.dirname, '../..');
const apiDir = path.join(root, 'app/api/v1');
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const ROUTE_EXPORTS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

type Json = Record<string, unknown>;

function operations(): { path: string; method: string; op: Json; pathItem: Json }[] {
  return Object.entries(doc.paths).flatMap(([p, item]) =>
    HTTP_METHODS.filter((m) => item[m]).map((m) => ({ path: p, method: m, op: item[m] as Json, pathItem: item })),
  );
}

function resolvePointer(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

function collectRefs(node: unknown, at: string, out: { ref: string; at: string }[] = []) {
  if (Array.isArray(node)) node.forEach((n, i) => collectRefs(n, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ ref: v, at });
      else collectRefs(v, `${at}/${k}`, out);
    }
  }
  return out;
}

const deref = (node: unknown): Json => {
  const ref = (node as Json | undefined)?.$ref;
  return (typeof ref === 'string' ? resolvePointer(ref) : node) as Json;
};

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    return e.name === 'route.ts' ? [full] : [];
  });
}

/** app/api/v1/devices/[deviceID]/route.ts → /devices/{deviceID}; route groups "(x)" vanish. */
function routePath(file: string): string {
  const segments = path.relative(apiDir, path.dirname(file)).split(path.sep).filter(Boolean);
  return (
    '/' +
    segments
      .filter((s) => !/^\(.*\)$/.test(s))
      .map((s) => s.replace(/^\[\[?\.{3}(.+?)\]\]?$/, '{$1}').replace(/^\[(.+)\]$/, '{$1}'))
      .join('/')
  );
}

function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:const|let|var|(?:async\s+)?function)\s+([A-Z]+)\b/g)) found.add(m[1]);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop();
      if (name) found.add(name);
    }
  }
  return [...found].filter((n) => ROUTE_EXPORTS.includes(n)).sort();
}

/** The string literals of an array (or the keys of an object) that starts at `marker` in a source file. */
function literalsAfter(file: string, marker: RegExp, close: string, what: 'items' | 'keys' = 'items'): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const m = marker.exec(text);
  if (!m) throw new Error(`${file}: ${marker} not found; update this test with the code`);
  const rest = text.slice(m.index + m[0].length);
  const body = rest.slice(0, rest.indexOf(close));
  const pattern = what === 'items' ? /'([^']+)'/g : /^\s*(?:'([^']+)'|([A-Za-z_$][\w$]*))\s*:/gm;
  return [...body.matchAll(pattern)].map((x) => x[1] ?? x[2]);
}

describe('tessera OpenAPI document', () => {
  it('is an OpenAPI 3.1 document for version 2025-01-01 served under /api/v1', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBe('Tessera API');
    expect(doc.info.version).toBe('2025-01-01');
    expect(doc.servers).toEqual([{ url: '/api/v1', description: expect.any(String) }]);
  });

  it('resolves every $ref inside the document', () => {
    const refs = collectRefs(doc, '#');
    expect(refs.length).toBeGreaterThan(20);
    const broken = refs.filter((r) => resolvePointer(r.ref) === undefined).map((r) => `${r.ref} (at ${r.at})`);
    expect(broken).toEqual([]);
  });

  it('gives every operation an operationId, a summary and responses with status codes', () => {
    for (const { path: p, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${p}`;
      expect(op.operationId, where).toEqual(expect.any(String));
      expect(op.summary, where).toEqual(expect.any(String));
      const responses = Object.keys((op.responses as Json | undefined) ?? {});
      expect(responses.length, where).toBeGreaterThan(0);
      for (const code of responses) expect(code, where).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
      expect(responses.some((c) => c.startsWith('2')), `${where} has a success response`).toBe(true);
    }
  });

  it('keeps operationIds unique and the contract names', () => {
    const ids = operations().map((o) => o.op.operationId as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      ['DeleteDevice', 'GetDevice', 'ListDevices', 'PatchDevice', 'PatchDeviceLifecycle', 'PostDevices', 'SaveCollectionInstance'].sort(),
    );
  });

  it('declares every path template variable as a required path parameter', () => {
    for (const { path: p, op, pathItem } of operations()) {
      const params = [...((pathItem.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])].map(deref);
      const declared = params.filter((x) => x.in === 'path');
      const inTemplate = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      expect(declared.map((x) => x.name).sort(), p).toEqual(inTemplate);
      for (const x of declared) expect(x.required, `${p} ${String(x.name)}`).toBe(true);
    }
  });

  it('only names security schemes that it defines', () => {
    const schemes = Object.keys(doc.components?.securitySchemes ?? {});
    expect(schemes).toContain('bearer');
    for (const requirement of doc.security ?? []) for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
  });
});

describe('tessera OpenAPI document against the code', () => {
  it('has exactly one operation per exported handler under app/api/v1', () => {
    const files = routeFiles(apiDir);
    expect(files.length).toBeGreaterThan(0);
    const fromCode = Object.fromEntries(
      files.map((f) => [routePath(f), exportedMethods(fs.readFileSync(f, 'utf8')).map((m) => m.toLowerCase()).sort()]),
    );
    const fromDoc = Object.fromEntries(
      Object.entries(doc.paths).map(([p, item]) => [p, HTTP_METHODS.filter((m) => item[m]).map(String).sort()]),
    );
    expect(fromDoc).toEqual(fromCode);
  });

  it('names the filters that ListDevices accepts', () => {
    const known = literalsAfter('server/http/rest/devices.ts', /const knownFilters = new Set\(\[/, ']');
    const filters = deref(doc.components?.parameters?.deviceFilters) as { schema: { properties: Json } };
    expect(Object.keys(filters.schema.properties).sort()).toEqual([...known].sort());
  });

  it('lists the source names the REST adapter maps', () => {
    const names = literalsAfter('server/http/rest/device-json.ts', /export const apiSourceToKinds[^{]*\{/, '};', 'keys');
    expect(names.length).toBeGreaterThan(0);
    const sources = doc.components?.schemas?.deviceDiscoverySource as { enum: string[] };
    expect([...sources.enum].sort()).toEqual([...names].sort());
  });

  it('lists the operating systems and lifecycle statuses of the schema', () => {
    const os = literalsAfter('server/db/schema/devices.ts', /export const deviceOsValues = \[/, ']');
    const lifecycle = literalsAfter('server/db/schema/devices.ts', /export const lifecycleStatuses = \[/, ']');
    const schemas = doc.components?.schemas as Record<string, { enum: string[] }>;
    expect(schemas.deviceOS.enum).toEqual(os);
    expect(schemas.deviceLifecycleStatus.enum).toEqual(lifecycle);
  });
});
