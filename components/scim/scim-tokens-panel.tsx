'use client';
// Secret Tokens for the identity provider's SCIM client. Several may be active so a provider can
// be moved to a new token before the old one is revoked.
import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc-provider';
import { SecretTokenPanel, type SecretTokenRow } from '@/components/tokens/secret-token-panel';

export type ScimTokenRow = SecretTokenRow;

export function ScimTokensPanel({ tokens }: { tokens: ScimTokenRow[] }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.scimTokens.create.mutationOptions());
  const revoke = useMutation(trpc.scimTokens.revoke.mutationOptions());
  return (
    <SecretTokenPanel
      tokens={tokens}
      create={({ name }) => create.mutateAsync({ name })}
      revoke={(id) => revoke.mutateAsync({ id })}
      busy={{ create: create.isPending, revoke: revoke.isPending }}
      createLabel="Create Secret Token"
      createdMessage={(name) => `Secret Token “${name}” created. Paste it into Entra now: it will not be shown again.`}
      namePlaceholder="e.g. Entra production"
      emptyText="Create one, then paste it with the Tenant URL into your identity provider."
      testId="new-scim-token"
      revokeWarning={(active) =>
        active <= 1
          ? 'This is the only active token: provisioning stops until you give your identity provider a new one.'
          : 'An identity provider still using this token is refused from now on. Make sure it already uses the new token.'
      }
    />
  );
}
