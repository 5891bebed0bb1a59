// Renders an OpenAPI 3.1 document (lib/openapi/tessera-openapi.ts) as a reference page: how to
// call the API, then one card per operation with its parameters, body fields and responses.
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card, PageHeader } from '@/components/ui/card';
import { THead } from '@/components/ui/data-table';
import type { OpenApiDocument } from '@/lib/openapi/tessera-openapi';

type Json = Record<string, unknown>;
type Tone = 'gray' | 'blue' | 'green' | 'amber' | 'red' | 'violet';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const methodTone: Record<string, Tone> = { get: 'blue', post: 'green', put: 'amber', patch: 'violet', delete: 'red' };

const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

interface Operation {
  path: string;
  method: string;
  op: Json;
  params: Json[];
}

interface FieldRow {
  name: string;
  depth: number;
  type: string;
  required: boolean;
  schema: Json;
}

/** Looks a local `#/...` reference up in the document. */
function lookup(doc: OpenApiDocument, ref: string): Json | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObj(node)) return undefined;
    node = node[key];
  }
  return isObj(node) ? node : undefined;
}

/** Follows $refs; keys written beside a $ref (e.g. a more specific description) win. */
function resolve(doc: OpenApiDocument, node: unknown, seen = 0): Json {
  if (!isObj(node)) return {};
  const ref = str(node.$ref);
  if (!ref || seen > 10) return node;
  const { $ref: _ref, ...siblings } = node;
  return { ...resolve(doc, lookup(doc, ref), seen + 1), ...siblings };
}

const refName = (node: unknown) => (isObj(node) ? str(node.$ref)?.split('/').pop() : undefined);

/** The non-null alternatives of a schema written as oneOf/anyOf [X, {type: null}]. */
function variants(doc: OpenApiDocument, schema: Json): { options: Json[]; nullable: boolean } {
  const alts = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (!Array.isArray(alts)) {
    const types = Array.isArray(schema.type) ? schema.type : [];
    return { options: [schema], nullable: types.includes('null') };
  }
  const resolved = alts.map((a) => resolve(doc, a));
  return { options: resolved.filter((a) => a.type !== 'null'), nullable: resolved.some((a) => a.type === 'null') };
}

function typeLabel(doc: OpenApiDocument, raw: unknown): string {
  const schema = resolve(doc, raw);
  const { options, nullable } = variants(doc, schema);
  if (options.length !== 1 || options[0] !== schema) {
    const labels = [...new Set(options.map((o) => typeLabel(doc, o)))];
    return [...labels, ...(nullable ? ['null'] : [])].join(' | ');
  }
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t): t is string => typeof t === 'string');
  const label = types
    .map((t) => {
      if (t === 'array') return `${typeLabel(doc, schema.items)}[]`;
      if (t === 'object' && isObj(schema.additionalProperties) && !schema.properties) return `map of ${typeLabel(doc, schema.additionalProperties)}`;
      if (t === 'string' && str(schema.format)) return `string (${schema.format})`;
      return t;
    })
    .join(' | ');
  return label || 'any';
}

/** Enumerations, bounds and defaults, in words. */
function constraints(doc: OpenApiDocument, raw: unknown): string[] {
  const schema = resolve(doc, raw);
  const inner = variants(doc, schema).options[0] ?? schema;
  const s = inner.type === 'array' ? { ...resolve(doc, inner.items), maxItems: inner.maxItems } : inner;
  const out: string[] = [];
  if (Array.isArray(s.enum)) out.push(`One of: ${s.enum.map((v) => `\`${String(v)}\``).join(', ')}.`);
  if (typeof s.minLength === 'number' && typeof s.maxLength === 'number') out.push(`${s.minLength}–${s.maxLength} characters.`);
  else if (typeof s.maxLength === 'number') out.push(`At most ${s.maxLength} characters.`);
  if (typeof s.minimum === 'number' && typeof s.maximum === 'number') out.push(`From ${s.minimum} to ${s.maximum}.`);
  if (typeof s.maxItems === 'number') out.push(`At most ${s.maxItems} items.`);
  if (typeof inner.maxProperties === 'number') out.push(`At most ${inner.maxProperties} keys.`);
  const def = schema.default ?? inner.default;
  if (def !== undefined) out.push(`Default: \`${String(def)}\`.`);
  return out;
}

/** The schema's own description, or the one of the single type it wraps. */
function describe(doc: OpenApiDocument, raw: unknown): string | undefined {
  const schema = resolve(doc, raw);
  return str(schema.description) ?? str(variants(doc, schema).options[0]?.description);
}

/** Object properties as rows; nested objects are expanded one level as `parent.child`. */
function fieldRows(doc: OpenApiDocument, raw: unknown, prefix = '', depth = 0): FieldRow[] {
  const schema = resolve(doc, raw);
  const objectSchema = variants(doc, schema).options.find((o) => isObj(o.properties)) ?? schema;
  const props = isObj(objectSchema.properties) ? objectSchema.properties : {};
  const required = new Set(Array.isArray(objectSchema.required) ? (objectSchema.required as string[]) : []);
  return Object.entries(props).flatMap(([name, prop]) => {
    const full = `${prefix}${name}`;
    const row: FieldRow = { name: full, depth, type: typeLabel(doc, prop), required: required.has(name), schema: resolve(doc, prop) };
    const child = variants(doc, resolve(doc, prop)).options.find((o) => isObj(o.properties));
    return depth < 1 && child ? [row, ...fieldRows(doc, child, `${full}.`, depth + 1)] : [row];
  });
}

function collectOperations(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => {
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    return METHODS.filter((m) => isObj(item[m])).map((method) => {
      const op = item[method] as Json;
      const own = Array.isArray(op.parameters) ? op.parameters : [];
      // An operation's own parameter replaces a path-level one of the same name and location.
      const byKey = new Map<string, Json>();
      for (const p of [...shared, ...own].map((x) => resolve(doc, x))) byKey.set(`${str(p.in)}:${str(p.name)}`, p);
      return { path, method, op, params: [...byKey.values()] };
    });
  });
}

/** Descriptions are plain text with `code` spans and blank lines between paragraphs. */
function Inline({ text }: { text: string }) {
  return (
    <>
      {text.split(/(`[^`]+`)/g).map((part, i) =>
        part.startsWith('`') && part.endsWith('`') && part.length > 2 ? (
          <code key={i} className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em] text-slate-800">
            {part.slice(1, -1)}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

function Prose({ text, className = '' }: { text?: string; className?: string }) {
  if (!text) return null;
  return (
    <div className={`space-y-2 text-sm leading-6 text-slate-600 ${className}`}>
      {text.split(/\n\s*\n/).map((p, i) => (
        <p key={i}>
          <Inline text={p.trim()} />
        </p>
      ))}
    </div>
  );
}

function CodeBlock({ label, children }: { label: string; children: string }) {
  return (
    <figure className="mt-3">
      <figcaption className="sr-only">{label}</figcaption>
      <pre className="overflow-x-auto rounded-md bg-slate-900 px-4 py-3 text-xs leading-5 text-slate-100">
        <code>{children}</code>
      </pre>
    </figure>
  );
}

function SubHeading({ children }: { children: ReactNode }) {
  return <h4 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{children}</h4>;
}

const thClass = 'px-3 py-2';
const tdClass = 'px-3 py-2 align-top';

/** A field's description (or `text`, which replaces it), a read-only mark and its constraints. */
function Description({ doc, schema, text: given }: { doc: OpenApiDocument; schema: unknown; text?: string }) {
  const s = resolve(doc, schema);
  const notes = constraints(doc, schema);
  const text = given ?? describe(doc, schema);
  return (
    <div className="space-y-1 text-slate-600">
      {s.readOnly === true && <Badge tone="gray">read-only</Badge>}
      {text && (
        <p>
          <Inline text={text} />
        </p>
      )}
      {notes.length > 0 && (
        <p className="text-xs text-slate-500">
          <Inline text={notes.join(' ')} />
        </p>
      )}
    </div>
  );
}

function RequiredCell({ required }: { required: boolean }) {
  return required ? <span className="font-medium text-slate-900">Yes</span> : <span className="text-slate-500">No</span>;
}

/** A bordered, compact table of parameters or fields; the caption is for screen readers. */
function ReferenceTable({ caption, columns, children }: { caption: string; columns: string[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-md ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <THead>
          {columns.map((c) => (
            <th key={c} scope="col" className={thClass}>{c}</th>
          ))}
        </THead>
        <tbody className="divide-y divide-slate-100 bg-white">{children}</tbody>
      </table>
    </div>
  );
}

function ParametersTable({ doc, params, caption }: { doc: OpenApiDocument; params: Json[]; caption: string }) {
  return (
    <ReferenceTable caption={caption} columns={['Name', 'In', 'Type', 'Required', 'Description']}>
      {params.flatMap((p) => {
        const name = str(p.name) ?? '';
        const where = str(p.in) ?? '';
        const schema = resolve(doc, p.schema);
        const key = `${where}:${name}`;
        if (p.style === 'deepObject' && isObj(schema.properties)) {
          return [
            <tr key={key} className="bg-slate-50/50">
              <th scope="row" className={`${tdClass} text-left font-mono text-xs font-medium text-slate-900`}>{`${name}[…]`}</th>
              <td className={`${tdClass} text-slate-600`}>{where}</td>
              <td className={`${tdClass} font-mono text-xs text-slate-700`}>object</td>
              <td className={tdClass}><RequiredCell required={p.required === true} /></td>
              <td className={tdClass}><Prose text={str(p.description)} /></td>
            </tr>,
            ...Object.entries(schema.properties).map(([prop, propSchema]) => (
              <tr key={`${key}[${prop}]`}>
                <th scope="row" className={`${tdClass} pl-7 text-left font-mono text-xs font-medium text-slate-900`}>{`${name}[${prop}]`}</th>
                <td className={`${tdClass} text-slate-600`}>{where}</td>
                <td className={`${tdClass} font-mono text-xs text-slate-700`}>{typeLabel(doc, propSchema)}</td>
                <td className={tdClass}><RequiredCell required={false} /></td>
                <td className={tdClass}><Description doc={doc} schema={propSchema} /></td>
              </tr>
            )),
          ];
        }
        return [
          <tr key={key}>
            <th scope="row" className={`${tdClass} text-left font-mono text-xs font-medium text-slate-900`}>{name}</th>
            <td className={`${tdClass} text-slate-600`}>{where}</td>
            <td className={`${tdClass} font-mono text-xs text-slate-700`}>{typeLabel(doc, p.schema)}</td>
            <td className={tdClass}><RequiredCell required={p.required === true} /></td>
            <td className={tdClass}><Description doc={doc} schema={p.schema} text={str(p.description)} /></td>
          </tr>,
        ];
      })}
    </ReferenceTable>
  );
}

function FieldsTable({ doc, schema, caption }: { doc: OpenApiDocument; schema: unknown; caption: string }) {
  const rows = fieldRows(doc, schema);
  if (!rows.length) return null;
  return (
    <ReferenceTable caption={caption} columns={['Field', 'Type', 'Required', 'Description']}>
      {rows.map((r) => (
        <tr key={r.name}>
          <th scope="row" className={`${tdClass} text-left font-mono text-xs font-medium text-slate-900 ${r.depth ? 'pl-7' : ''}`}>
            {r.name}
          </th>
          <td className={`${tdClass} font-mono text-xs text-slate-700`}>{r.type}</td>
          <td className={tdClass}><RequiredCell required={r.required} /></td>
          <td className={tdClass}><Description doc={doc} schema={r.schema} /></td>
        </tr>
      ))}
    </ReferenceTable>
  );
}

const statusTone = (code: string): Tone => (code.startsWith('2') ? 'green' : code.startsWith('4') ? 'amber' : code.startsWith('5') ? 'red' : 'gray');

/** "device", "device[]" or the inline type of a JSON response body. */
function bodyLabel(doc: OpenApiDocument, content: unknown): { label: string; schemaName?: string } | undefined {
  const json = isObj(content) ? (content['application/json'] ?? Object.values(content)[0]) : undefined;
  if (!isObj(json) || !json.schema) return undefined;
  const schema = json.schema as Json;
  const direct = refName(schema);
  if (direct) return { label: direct, schemaName: direct };
  const item = schema.type === 'array' ? refName(schema.items) : undefined;
  if (item) return { label: `${item}[]`, schemaName: item };
  return { label: typeLabel(doc, schema) };
}

function Responses({ doc, responses }: { doc: OpenApiDocument; responses: Json }) {
  return (
    <ul className="divide-y divide-slate-100 rounded-md ring-1 ring-slate-200">
      {Object.entries(responses).map(([code, raw]) => {
        const r = resolve(doc, raw);
        const body = bodyLabel(doc, r.content);
        const headers = isObj(r.headers) ? Object.keys(r.headers) : [];
        return (
          <li key={code} className="flex flex-col gap-1 px-3 py-2.5 text-sm sm:flex-row sm:gap-4">
            <div className="w-14 shrink-0">
              <Badge tone={statusTone(code)}>
                <span className="font-mono">{code}</span>
              </Badge>
            </div>
            <div className="min-w-0 flex-1 space-y-1">
              <p className="text-slate-700">
                <Inline text={str(r.description) ?? ''} />
              </p>
              {(body || headers.length > 0) && (
                <p className="text-xs text-slate-500">
                  {body && (
                    <>
                      Body:{' '}
                      {body.schemaName ? (
                        <a href={`#schema-${body.schemaName}`} className="font-mono font-medium text-brand-600 hover:text-brand-700">
                          {body.label}
                        </a>
                      ) : (
                        <span className="font-mono">{body.label}</span>
                      )}
                    </>
                  )}
                  {body && headers.length > 0 && ' · '}
                  {headers.length > 0 && <>Headers: <span className="font-mono">{headers.join(', ')}</span></>}
                </p>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

function OperationCard({ doc, operation, commonKeys }: { doc: OpenApiDocument; operation: Operation; commonKeys: Set<string> }) {
  const { op, method, path } = operation;
  const id = str(op.operationId) ?? `${method}-${path}`;
  const summary = str(op.summary) ?? `${method.toUpperCase()} ${path}`;
  const params = operation.params.filter((p) => !commonKeys.has(`${str(p.in)}:${str(p.name)}`));
  const body = resolve(doc, op.requestBody);
  const bodyContent = isObj(body.content) ? (body.content['application/json'] ?? Object.values(body.content)[0]) : undefined;
  const bodySchema = isObj(bodyContent) ? bodyContent.schema : undefined;
  const bodySchemaName = refName(bodySchema);
  const example = bodySchema ? resolve(doc, bodySchema).example : undefined;
  const responses = isObj(op.responses) ? op.responses : {};
  return (
    <Card className="scroll-mt-6 overflow-hidden">
      <article id={`op-${id}`} aria-labelledby={`op-${id}-title`}>
        <header className="border-b border-slate-200 px-5 py-4">
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone={methodTone[method] ?? 'gray'}>
              <span className="font-mono uppercase">{method}</span>
            </Badge>
            <code className="break-all font-mono text-sm text-slate-900">{path}</code>
          </div>
          <h3 id={`op-${id}-title`} className="mt-2 text-base font-semibold text-slate-900">
            {summary} <span className="ml-1 font-mono text-xs font-normal text-slate-400">{str(op.operationId)}</span>
          </h3>
          <Prose text={str(op.description)} className="mt-1" />
        </header>
        <div className="space-y-5 px-5 py-4">
          {params.length > 0 && (
            <section>
              <SubHeading>Parameters</SubHeading>
              <ParametersTable doc={doc} params={params} caption={`Parameters of ${summary}`} />
            </section>
          )}
          {bodySchema !== undefined && (
            <section>
              <SubHeading>
                Request body
                {bodySchemaName && <span className="ml-2 font-mono normal-case tracking-normal text-slate-400">{bodySchemaName}</span>}
              </SubHeading>
              <Prose text={describe(doc, bodySchema)} className="mb-2" />
              <FieldsTable doc={doc} schema={bodySchema} caption={`Request body fields of ${summary}`} />
              {example !== undefined && <CodeBlock label={`Example request body for ${summary}`}>{JSON.stringify(example, null, 2)}</CodeBlock>}
            </section>
          )}
          <section>
            <SubHeading>Responses</SubHeading>
            <Responses doc={doc} responses={responses} />
          </section>
        </div>
      </article>
    </Card>
  );
}

/** Schemas that response bodies name, so that a reader can look up what comes back. */
function responseSchemas(doc: OpenApiDocument, operations: Operation[]): string[] {
  const names = new Set<string>();
  for (const { op } of operations) {
    for (const raw of Object.values(isObj(op.responses) ? op.responses : {})) {
      const name = bodyLabel(doc, resolve(doc, raw).content)?.schemaName;
      if (name) names.add(name);
    }
  }
  return [...names];
}

export function ApiReference({ doc, origin = 'https://<your-tessera>' }: { doc: OpenApiDocument; origin?: string }) {
  const operations = collectOperations(doc);
  // Parameters that every operation takes (the version and request-id headers) are shown once.
  const keysOf = (o: Operation) => new Set(o.params.map((p) => `${str(p.in)}:${str(p.name)}`));
  const commonKeys = operations.length
    ? operations.map(keysOf).reduce((a, b) => new Set([...a].filter((k) => b.has(k))))
    : new Set<string>();
  const commonParams = operations[0]?.params.filter((p) => commonKeys.has(`${str(p.in)}:${str(p.name)}`)) ?? [];
  const baseUrl = `${origin}${doc.servers?.[0]?.url ?? ''}`;
  const version = doc.info.version;
  const firstList = operations.find((o) => o.method === 'get' && !o.path.includes('{'));
  const examplePath = firstList?.path ?? '/devices';
  const schemes = Object.values(doc.components?.securitySchemes ?? {}).filter(isObj);
  const bearer = schemes.find((s) => s.scheme === 'bearer');
  const tagNames = [...new Set([...(doc.tags ?? []).map((t) => t.name), ...operations.flatMap((o) => (Array.isArray(o.op.tags) ? (o.op.tags as string[]) : []))])];
  const groups = tagNames
    .map((name) => ({ name, description: doc.tags?.find((t) => t.name === name)?.description, ops: operations.filter((o) => Array.isArray(o.op.tags) && o.op.tags.includes(name)) }))
    .filter((g) => g.ops.length);
  const untagged = operations.filter((o) => !Array.isArray(o.op.tags) || !o.op.tags.length);
  if (untagged.length) groups.push({ name: 'Other operations', description: undefined, ops: untagged });
  const schemaNames = responseSchemas(doc, operations);

  return (
    <div className="space-y-8">
      <PageHeader title={doc.info.title} description={`${doc.info.summary ?? 'REST API reference'} · version ${version}`} />

      <Card>
        <div className="border-b border-slate-200 px-5 py-4">
          <h2 className="text-base font-semibold text-slate-900">Getting started</h2>
        </div>
        <div className="space-y-5 px-5 py-4">
          <Prose text={doc.info.description} />
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="font-medium text-slate-900">Base URL</dt>
            <dd><code className="break-all font-mono text-slate-700">{baseUrl}</code></dd>
            <dt className="font-medium text-slate-900">Authentication</dt>
            <dd className="text-slate-600">
              <code className="font-mono text-slate-700">Authorization: Bearer &lt;API token&gt;</code>
              {str(bearer?.description) && (
                <span className="mt-1 block">
                  <Inline text={str(bearer?.description) ?? ''} />
                </span>
              )}
            </dd>
            <dt className="font-medium text-slate-900">Version</dt>
            <dd className="text-slate-600">
              <code className="font-mono text-slate-700">X-Smallstep-Api-Version: {version}</code> on every request, or{' '}
              <code className="font-mono text-slate-700">Accept: application/vnd.smallstep.v{version}+json</code>
            </dd>
          </dl>
          <section>
            <SubHeading>Example</SubHeading>
            <CodeBlock label="Example request with curl">
              {`curl -H "Authorization: Bearer $TOKEN" -H "X-Smallstep-Api-Version: ${version}" ${baseUrl}${examplePath}`}
            </CodeBlock>
          </section>
          {commonParams.length > 0 && (
            <section>
              <SubHeading>Headers on every request</SubHeading>
              <ParametersTable doc={doc} params={commonParams} caption="Headers that every operation accepts" />
            </section>
          )}
        </div>
      </Card>

      <nav aria-labelledby="api-operations-title">
        <h2 id="api-operations-title" className="mb-3 text-base font-semibold text-slate-900">Operations</h2>
        <ul className="grid gap-2 sm:grid-cols-2">
          {operations.map((o) => (
            <li key={`${o.method} ${o.path}`}>
              <a
                href={`#op-${str(o.op.operationId) ?? `${o.method}-${o.path}`}`}
                className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-slate-100"
              >
                <Badge tone={methodTone[o.method] ?? 'gray'}>
                  <span className="font-mono uppercase">{o.method}</span>
                </Badge>
                <span className="font-medium text-slate-900">{str(o.op.summary)}</span>
                <code className="truncate font-mono text-xs text-slate-500">{o.path}</code>
              </a>
            </li>
          ))}
        </ul>
      </nav>

      {groups.map((g) => (
        <section key={g.name} aria-labelledby={`tag-${g.name.replace(/\W+/g, '-')}`} className="space-y-4">
          <div>
            <h2 id={`tag-${g.name.replace(/\W+/g, '-')}`} className="text-lg font-semibold text-slate-900">{g.name}</h2>
            {g.description && <p className="mt-0.5 text-sm text-slate-500">{g.description}</p>}
          </div>
          {g.ops.map((o) => (
            <OperationCard key={`${o.method} ${o.path}`} doc={doc} operation={o} commonKeys={commonKeys} />
          ))}
        </section>
      ))}

      {schemaNames.length > 0 && (
        <section aria-labelledby="api-schemas-title" className="space-y-4">
          <h2 id="api-schemas-title" className="text-lg font-semibold text-slate-900">Response objects</h2>
          {schemaNames.map((name) => {
            const schema = lookup(doc, `#/components/schemas/${name}`);
            return (
              <Card key={name} className="scroll-mt-6 overflow-hidden">
                <article id={`schema-${name}`} aria-labelledby={`schema-${name}-title`}>
                  <header className="border-b border-slate-200 px-5 py-4">
                    <h3 id={`schema-${name}-title`} className="font-mono text-base font-semibold text-slate-900">{name}</h3>
                    <Prose text={str(schema?.description)} className="mt-1" />
                  </header>
                  <div className="px-5 py-4">
                    <FieldsTable doc={doc} schema={schema} caption={`Fields of ${name}`} />
                    {schema?.example !== undefined && <CodeBlock label={`Example ${name}`}>{JSON.stringify(schema.example, null, 2)}</CodeBlock>}
                  </div>
                </article>
              </Card>
            );
          })}
        </section>
      )}
    </div>
  );
}
