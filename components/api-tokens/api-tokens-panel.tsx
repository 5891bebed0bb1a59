'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Field, inputClass } from '@/components/ui/field';
import { EmptyState } from '@/components/ui/card';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  createdByLabel: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  status: 'active' | 'revoked' | 'expired';
}

export function ApiTokensPanel({ tokens }: { tokens: TokenRow[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.apiTokens.create.mutationOptions());
  const revoke = useMutation(trpc.apiTokens.revoke.mutationOptions());
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<TokenRow | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  async function onCreate(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const days = String(f.get('expiresInDays') ?? '');
    setErrors({});
    setFormError(null);
    try {
      const t = await create.mutateAsync({ name: String(f.get('name') ?? ''), expiresInDays: days ? Number(days) : undefined });
      setCreated({ name: t.name, token: t.token });
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
        <div className="rounded-lg bg-emerald-50 p-4 ring-1 ring-emerald-200" role="status">
          <p className="text-sm font-medium text-emerald-900">Token “{created.name}” created. Copy it now: it will not be shown again.</p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid="new-token" className="block flex-1 overflow-x-auto rounded bg-white px-3 py-2 font-mono text-xs text-slate-900 ring-1 ring-emerald-200">
              {created.token}
            </code>
            <Button
              variant="secondary"
              size="sm"
              onClick={() => {
                void navigator.clipboard?.writeText(created.token).then(() => setCopied(true));
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          </div>
        </div>
      )}
      <form onSubmit={onCreate} className="flex flex-wrap items-end gap-3 px-5 pt-5" noValidate>
        <div className="w-72">
          <Field id="name" label="Token name" required error={errors.name} placeholder="e.g. inventory-import" />
        </div>
        <div className="w-48">
          <Field id="expiresInDays" label="Expires" error={errors.expiresInDays}>
            <select id="expiresInDays" name="expiresInDays" className={inputClass} defaultValue="90">
              <option value="30">In 30 days</option>
              <option value="90">In 90 days</option>
              <option value="365">In 1 year</option>
              <option value="">Never</option>
            </select>
          </Field>
        </div>
        <Button type="submit" loading={create.isPending}>Create token</Button>
        {formError && <div className="w-full"><Alert>{formError}</Alert></div>}
      </form>
      {tokens.length === 0 ? (
        <EmptyState title="No API tokens yet">Create one to use the REST API.</EmptyState>
      ) : (
        <div className="overflow-x-auto border-t border-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2.5">Name</th>
                <th scope="col" className="px-4 py-2.5">Token</th>
                <th scope="col" className="px-4 py-2.5">Created</th>
                <th scope="col" className="px-4 py-2.5">Expires</th>
                <th scope="col" className="px-4 py-2.5">Last used</th>
                <th scope="col" className="px-4 py-2.5">Status</th>
                <th scope="col" className="px-4 py-2.5"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td className="px-4 py-3 font-medium text-slate-900">{t.name}</td>
                  <td className="px-4 py-3 font-mono text-xs text-slate-500">{t.prefix}…</td>
                  <td className="px-4 py-3 text-slate-600">{t.createdAt.slice(0, 10)} <span className="text-xs text-slate-400">by {t.createdByLabel}</span></td>
                  <td className="px-4 py-3 text-slate-600">{t.expiresAt ? t.expiresAt.slice(0, 10) : 'Never'}</td>
                  <td className="px-4 py-3 text-slate-600">{t.lastUsedAt ? t.lastUsedAt.slice(0, 16).replace('T', ' ') : 'Never'}</td>
                  <td className="px-4 py-3">
                    <Badge tone={t.status === 'active' ? 'green' : t.status === 'expired' ? 'amber' : 'red'}>{t.status}</Badge>
                  </td>
                  <td className="px-4 py-3 text-right">
                    {t.status === 'active' && (
                      <Button size="sm" variant="secondary" onClick={() => setRevoking(t)}>
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={revoking !== null}
        danger
        title={`Revoke “${revoking?.name}”?`}
        confirmLabel="Revoke token"
        busy={revoke.isPending}
        error={revokeError}
        onCancel={() => {
          setRevoking(null);
          setRevokeError(null);
        }}
        onConfirm={async () => {
          try {
            await revoke.mutateAsync({ id: revoking!.id });
            setRevoking(null);
            router.refresh();
          } catch (e) {
            setRevokeError((e as Error).message);
          }
        }}
      >
        Scripts using this token stop working at once. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}
