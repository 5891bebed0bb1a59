'use client';
// Create, list and revoke bearer secrets (REST API tokens, SCIM Secret Tokens): a token is shown
// once when created; only its prefix is listed afterwards.
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Table, TBody, Td, Th, THead } from '@/components/ui/data-table';
import { Field, inputClass } from '@/components/ui/field';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

export interface SecretTokenRow {
  id: string;
  name: string;
  prefix: string;
  createdByLabel: string;
  createdAt: string;
  expiresAt?: string | null;
  lastUsedAt: string | null;
  status: 'active' | 'revoked' | 'expired';
}

export interface SecretTokenPanelProps {
  tokens: SecretTokenRow[];
  create: (input: { name: string; expiresInDays?: number }) => Promise<{ name: string; token: string }>;
  revoke: (id: string) => Promise<unknown>;
  busy: { create: boolean; revoke: boolean };
  /** Offer an expiry (REST API tokens); SCIM tokens do not expire. */
  withExpiry?: boolean;
  createLabel: string;
  createdMessage: (name: string) => string;
  namePlaceholder: string;
  emptyText: string;
  testId: string;
  revokeWarning: (activeCount: number) => ReactNode;
}

export function SecretTokenPanel(p: SecretTokenPanelProps) {
  const router = useRouter();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<SecretTokenRow | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const activeCount = p.tokens.filter((t) => t.status === 'active').length;

  async function onCreate(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const days = String(f.get('expiresInDays') ?? '');
    setErrors({});
    setFormError(null);
    try {
      setCreated(await p.create({ name: String(f.get('name') ?? ''), expiresInDays: p.withExpiry && days ? Number(days) : undefined }));
      setCopied(false);
      form.reset();
      router.refresh();
    } catch (err) {
      setErrors(fieldErrors(err));
      setFormError(errorMessage(err));
    }
  }

  return (
    <div className="space-y-6">
      {created && (
        <div className="mx-5 mt-5 rounded-lg bg-emerald-50 p-4 ring-1 ring-emerald-200" role="status">
          <p className="text-sm font-medium text-emerald-900">{p.createdMessage(created.name)}</p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid={p.testId} className="block flex-1 overflow-x-auto rounded bg-white px-3 py-2 font-mono text-xs text-slate-900 ring-1 ring-emerald-200">
              {created.token}
            </code>
            <Button variant="secondary" size="sm" onClick={() => void navigator.clipboard?.writeText(created.token).then(() => setCopied(true))}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          </div>
        </div>
      )}
      <form onSubmit={onCreate} className="flex flex-wrap items-end gap-3 px-5 pt-5" noValidate>
        <div className="w-72">
          <Field id={`${p.testId}-name`} name="name" label="Token name" required error={errors.name} placeholder={p.namePlaceholder} />
        </div>
        {p.withExpiry && (
          <div className="w-48">
            <Field id={`${p.testId}-expires`} label="Expires" error={errors.expiresInDays}>
              <select id={`${p.testId}-expires`} name="expiresInDays" className={inputClass} defaultValue="90">
                <option value="30">In 30 days</option>
                <option value="90">In 90 days</option>
                <option value="365">In 1 year</option>
                <option value="">Never</option>
              </select>
            </Field>
          </div>
        )}
        <Button type="submit" loading={p.busy.create}>{p.createLabel}</Button>
        {formError && <div className="w-full"><Alert>{formError}</Alert></div>}
      </form>
      {p.tokens.length === 0 ? (
        <EmptyState title="No tokens yet">{p.emptyText}</EmptyState>
      ) : (
        <Table className="border-t border-slate-200">
          <THead>
            <Th>Name</Th>
            <Th>Token</Th>
            <Th>Created</Th>
            {p.withExpiry && <Th>Expires</Th>}
            <Th>Last used</Th>
            <Th>Status</Th>
            <Th srOnly>Actions</Th>
          </THead>
          <TBody>
            {p.tokens.map((t) => (
              <tr key={t.id}>
                <Td className="font-medium text-slate-900">{t.name}</Td>
                <Td className="font-mono text-xs text-slate-500">{t.prefix}…</Td>
                <Td className="text-slate-600">{t.createdAt.slice(0, 10)} <span className="text-xs text-slate-400">by {t.createdByLabel}</span></Td>
                {p.withExpiry && <Td className="text-slate-600">{t.expiresAt ? t.expiresAt.slice(0, 10) : 'Never'}</Td>}
                <Td className="text-slate-600">{t.lastUsedAt ? t.lastUsedAt.slice(0, 16).replace('T', ' ') : 'Never'}</Td>
                <Td>
                  <Badge tone={t.status === 'active' ? 'green' : t.status === 'expired' ? 'amber' : 'red'}>{t.status}</Badge>
                </Td>
                <Td className="text-right">
                  {t.status === 'active' && (
                    <Button size="sm" variant="secondary" onClick={() => setRevoking(t)}>Revoke</Button>
                  )}
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
      <ConfirmDialog
        open={revoking !== null}
        danger
        title={`Revoke “${revoking?.name}”?`}
        confirmLabel="Revoke token"
        busy={p.busy.revoke}
        error={revokeError}
        onCancel={() => {
          setRevoking(null);
          setRevokeError(null);
        }}
        onConfirm={async () => {
          try {
            await p.revoke(revoking!.id);
            setRevoking(null);
            router.refresh();
          } catch (e) {
            setRevokeError((e as Error).message);
          }
        }}
      >
        {p.revokeWarning(activeCount)}
      </ConfirmDialog>
    </div>
  );
}
