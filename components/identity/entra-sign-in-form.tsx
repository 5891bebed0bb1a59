'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { CopyValue } from '@/components/integrations/secret-value';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

export interface EntraSettings {
  clientId: string;
  tenantId: string;
  metadataUrl: string;
  issuer: string;
}

const defaultMetadataUrl = (tenant: string) =>
  `https://login.microsoftonline.com/${tenant || '<tenant-id>'}/v2.0/.well-known/openid-configuration`;

/** "Connect an Entra ID IdP": client id, secret, tenant and metadata URL, checked on save. */
export function EntraSignInForm({
  redirectUri,
  current,
  canEdit,
  footer,
}: {
  redirectUri: string;
  current: EntraSettings | null;
  canEdit: boolean;
  /** Shown beside the save button (the remove action). */
  footer?: ReactNode;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const save = useMutation(trpc.identity.saveEntra.mutationOptions());
  const [tenantId, setTenantId] = useState(current?.tenantId ?? '');
  // Prefilled from the tenant id until the admin types their own URL.
  const [metadataUrl, setMetadataUrl] = useState(current?.metadataUrl ?? '');
  const [metadataEdited, setMetadataEdited] = useState(!!current);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setErrors({});
    setFormError(null);
    setSaved(false);
    try {
      await save.mutateAsync({
        clientId: String(f.get('clientId') ?? ''),
        clientSecret: String(f.get('clientSecret') ?? ''),
        tenantId,
        metadataUrl: metadataEdited ? metadataUrl : '',
      });
      setSaved(true);
      (e.target as HTMLFormElement).querySelector<HTMLInputElement>('#clientSecret')!.value = '';
      router.refresh();
    } catch (err) {
      setErrors(fieldErrors(err));
      setFormError(errorMessage(err));
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4 p-5" noValidate aria-label="Connect an Entra ID IdP">
      <CopyValue label="Redirect URI (Web platform in the Entra app registration)" value={redirectUri} testId="entra-redirect-uri" />
      {current && (
        <Alert tone="success">
          Connected: people provisioned from tenant <span className="font-mono">{current.tenantId}</span> can use “Sign in with Microsoft Entra ID”.
        </Alert>
      )}
      {saved && <Alert tone="success">Entra ID settings saved and the metadata document checked.</Alert>}
      {formError && <Alert>{formError}</Alert>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="clientId" label="Client ID" required defaultValue={current?.clientId} disabled={!canEdit} error={errors.clientId} hint="Application (client) ID" autoComplete="off" />
        <Field
          id="tenantId"
          label="Tenant ID"
          required
          value={tenantId}
          onChange={(e) => setTenantId(e.target.value.trim())}
          disabled={!canEdit}
          error={errors.tenantId}
          hint="Directory (tenant) ID"
          autoComplete="off"
        />
      </div>
      <Field
        id="clientSecret"
        label="Client Secret"
        type="password"
        required={!current}
        disabled={!canEdit}
        autoComplete="new-password"
        placeholder={current ? 'Stored; leave empty to keep it' : undefined}
        error={errors.clientSecret}
        hint="The secret's Value, not its ID. Stored encrypted and never shown again."
      />
      <Field
        id="metadataUrl"
        label="OIDC metadata URL"
        value={metadataEdited ? metadataUrl : defaultMetadataUrl(tenantId)}
        onChange={(e) => {
          setMetadataEdited(true);
          setMetadataUrl(e.target.value);
        }}
        disabled={!canEdit}
        error={errors.metadataUrl}
        hint="The OpenID Connect metadata document from Endpoints in the app registration."
        autoComplete="off"
      />
      {canEdit ? (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <Button type="submit" loading={save.isPending}>
            {current ? 'Save Entra ID settings' : 'Connect Entra ID'}
          </Button>
          {footer}
        </div>
      ) : (
        <p className="text-sm text-slate-500">Only Owners can change the sign-in provider.</p>
      )}
    </form>
  );
}
