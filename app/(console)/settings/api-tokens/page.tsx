import Link from 'next/link';
import { ApiTokensPanel } from '@/components/api-tokens/api-tokens-panel';
import { Card, CardHeader, PageHeader } from '@/components/ui/card';
import { consoleApi } from '@/server/api/caller';

export const metadata = { title: 'API tokens' };

export default async function ApiTokensPage() {
  const tokens = await (await consoleApi()).apiTokens.list();
  return (
    <>
      <PageHeader
        title="API tokens"
        description={
          <>
            Bearer tokens for the REST API at <code className="text-slate-700">/api/v1</code>, compatible with Smallstep&apos;s API 2025-01-01.{' '}
            <Link href="/settings/api-reference" className="font-medium text-brand-600 hover:text-brand-700">API reference →</Link>
          </>
        }
      />
      <Card>
        <CardHeader title="Tokens" description="A token is shown once when created and stored only as a hash. Revoke tokens you no longer use." />
        <ApiTokensPanel
          tokens={tokens.map((t) => ({
            ...t,
            createdAt: t.createdAt.toISOString(),
            expiresAt: t.expiresAt?.toISOString() ?? null,
            lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
            revokedAt: undefined,
          }))}
        />
      </Card>
    </>
  );
}
