'use client';
// REST API tokens (Settings → API tokens).
import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc-provider';
import { SecretTokenPanel, type SecretTokenRow } from '@/components/tokens/secret-token-panel';

export type TokenRow = SecretTokenRow;

export function ApiTokensPanel({ tokens }: { tokens: TokenRow[] }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.apiTokens.create.mutationOptions());
  const revoke = useMutation(trpc.apiTokens.revoke.mutationOptions());
  return (
    <SecretTokenPanel
      tokens={tokens}
      withExpiry
      create={(input) => create.mutateAsync(input)}
      revoke={(id) => revoke.mutateAsync({ id })}
      busy={{ create: create.isPending, revoke: revoke.isPending }}
      createLabel="Create token"
      createdMessage={(name) => `Token “${name}” created. Copy it now: it will not be shown again.`}
      namePlaceholder="e.g. inventory-import"
      emptyText="Create one to use the REST API."
      testId="new-token"
      revokeWarning={() => 'Scripts using this token stop working at once. This cannot be undone.'}
    />
  );
}
