'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Field } from '@/components/ui/field';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

export interface ScimTokenRow {
  id: string;
  name: string;
  prefix: string;
  createdByLabel: string;
  createdAt: string;
  lastUsedAt: string | null;
  status: 'active' | 'revoked';
}

// Secret Tokens for the identity provider: shown once when created. Several may be active so a
// provider can be moved to a new token before the old one is revoked.
export function ScimTokensPanel({ tokens }: { tokens: ScimTokenRow[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.scimTokens.create.mutationOptions());
  const revoke = useMutation(trpc.scimTokens.revoke.mutationOptions());
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ScimTokenRow | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const activeCount = tokens.filter((t) => t.status === 'active').length;

  async function onCreate(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    setErrors({});
    setFormError(null);
    try {
      const t = await create.mutateAsync({ name: String(f.get('name') ?? '') });
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
        <div className="mx-5 mt-5 rounded-lg bg-emerald-50 p-4 ring-1 ring-emerald-200" role="status">
          <p className="text-sm font-medium text-emerald-900">
            Secret Token “{created.name}” created. Paste it into Entra now: it will not be shown again.
          </p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid="new-scim-token" className="block flex-1 overflow-x-auto rounded bg-white px-3 py-2 font-mono text-xs text-slate-900 ring-1 ring-emerald-200">
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
          <Field id="scim-token-name" name="name" label="Token name" required error={errors.name} placeholder="e.g. Entra production" />
        </div>
        <Button type="submit" loading={create.isPending}>Create Secret Token</Button>
        {formError && <div className="w-full"><Alert>{formError}</Alert></div>}
      </form>
      {tokens.length === 0 ? (
        <EmptyState title="No Secret Tokens yet">Create one, then paste it with the Tenant URL into your identity provider.</EmptyState>
      ) : (
        <div className="overflow-x-auto border-t border-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2.5">Name</th>
                <th scope="col" className="px-4 py-2.5">Token</th>
                <th scope="col" className="px-4 py-2.5">Created</th>
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
                  <td className="px-4 py-3 text-slate-600">{t.lastUsedAt ? t.lastUsedAt.slice(0, 16).replace('T', ' ') : 'Never'}</td>
                  <td className="px-4 py-3"><Badge tone={t.status === 'active' ? 'green' : 'red'}>{t.status}</Badge></td>
                  <td className="px-4 py-3 text-right">
                    {t.status === 'active' && (
                      <Button size="sm" variant="secondary" onClick={() => setRevoking(t)}>Revoke</Button>
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
        {activeCount <= 1
          ? 'This is the only active token: provisioning stops until you give your identity provider a new one.'
          : 'An identity provider still using this token is refused from now on. Make sure it already uses the new token.'}
      </ConfirmDialog>
    </div>
  );
}
