import { EntraSignInForm } from '@/components/identity/entra-sign-in-form';
import { PasswordSignInCard } from '@/components/identity/password-sign-in-card';
import { RemoveEntraButton } from '@/components/identity/remove-entra-button';
import { CopyValue } from '@/components/integrations/secret-value';
import { ScimTokensPanel } from '@/components/scim/scim-tokens-panel';
import { Card, CardHeader, PageHeader } from '@/components/ui/card';
import { consoleApi } from '@/server/api/caller';
import { getCurrentUser } from '@/server/auth/current-user';
import { publicBaseUrl } from '@/server/http/base-url';

export const metadata = { title: 'Identity provider' };

export default async function IdentityProviderPage() {
  const caller = await consoleApi();
  const [tokens, entra, passwordSignIn, me] = await Promise.all([caller.scimTokens.list(), caller.identity.get(), caller.identity.passwordSignIn(), getCurrentUser()]);
  const isOwner = me?.role === 'owner';
  const signedInWithSso = me?.signInMethod === 'entra';
  const tenantUrl = `${publicBaseUrl()}/scim/v2`;
  return (
    <>
      <PageHeader
        title="Identity provider"
        description="Let your team sign in with Microsoft Entra ID, and let Entra create, update and deprovision users and groups over SCIM 2.0."
      />
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="Connect an Entra ID IdP"
            description="Sign-in with Microsoft Entra ID (OpenID Connect). Users must exist in Tessera first: they are matched to SCIM-provisioned users by object ID, then email."
          />
          <EntraSignInForm
            redirectUri={`${publicBaseUrl()}/api/auth/callback/entra`}
            canEdit={isOwner}
            footer={entra ? <RemoveEntraButton passwordSignInEnabled={passwordSignIn.enabled} signedInWithSso={signedInWithSso} /> : undefined}
            current={entra ? { clientId: entra.clientId, tenantId: entra.tenantId, metadataUrl: entra.metadataUrl, issuer: entra.issuer } : null}
          />
        </Card>
        <Card>
          <CardHeader
            title="Password sign-in"
            description="Whether people may also sign in with a Tessera password, beside single sign-on."
          />
          <PasswordSignInCard status={passwordSignIn} canEdit={isOwner} signedInWithSso={signedInWithSso} />
        </Card>
        <Card>
          <CardHeader
            title="SCIM provisioning"
            description="Entra needs two values: the Tenant URL below and a Secret Token. Tokens are shown once and stored only as a hash."
          />
          <div className="px-5 pt-5">
            <CopyValue label="SCIM Tenant URL" value={tenantUrl} testId="scim-tenant-url" />
          </div>
          <ScimTokensPanel
            tokens={tokens.map((t) => ({
              id: t.id,
              name: t.name,
              prefix: t.prefix,
              createdByLabel: t.createdByLabel,
              createdAt: t.createdAt.toISOString(),
              lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
              status: t.status,
            }))}
          />
        </Card>
        <Card>
          <CardHeader title="Setting up Microsoft Entra ID" />
          <ol className="list-decimal space-y-2 py-4 pl-10 pr-5 text-sm text-slate-700">
            <li>In the Entra admin center, open Enterprise applications and create a new non-gallery application for Tessera (or open the one you use for sign-in).</li>
            <li>Under Users and groups, assign the people and groups who should exist in Tessera. Starting with a small test group is wise.</li>
            <li>Open Provisioning, choose Automatic mode, and under Admin Credentials paste the SCIM Tenant URL and a Secret Token from this page. Test Connection should succeed at once.</li>
            <li>In Mappings, keep the user attributes Tessera uses: userName, active, displayName, emails[type eq &quot;work&quot;].value, name.givenName, name.familyName, and map externalId to objectId. Other attributes are stored and returned as sent.</li>
            <li>Keep group provisioning on if you want groups and memberships in Tessera; groups are matched by displayName.</li>
            <li>Set Provisioning Status to On and save. The first cycle can take up to 40 minutes; Restart provisioning forces one.</li>
          </ol>
          <div className="border-t border-slate-200 px-5 py-4 text-sm text-slate-600">
            <p>
              <span className="font-medium text-slate-900">Deprovisioning.</span> When Entra disables a user or removes them from the app, Tessera ends their sessions at once and flags their devices.
              Whether their device certificates are also revoked is set in <a href="/settings/team" className="font-medium text-brand-600 hover:text-brand-700">Team settings</a>.
            </p>
            <p className="mt-2">
              <span className="font-medium text-slate-900">Rotating the token.</span> Create a new token, paste it into Entra, run Test Connection, then revoke the old one here.
            </p>
          </div>
        </Card>
      </div>
    </>
  );
}
