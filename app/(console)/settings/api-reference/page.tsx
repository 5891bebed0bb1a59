import { ApiReference } from '@/components/api-reference/api-reference';
import { tesseraOpenApi } from '@/lib/openapi/tessera-openapi';
import { env } from '@/lib/env';
import { consoleApi } from '@/server/api/caller';

export const metadata = { title: 'API reference' };

export default async function ApiReferencePage() {
  await consoleApi(); // Owners and Admins only
  const origin = env().TESSERA_URL?.replace(/\/$/, '');
  return (
    <>
      <ApiReference doc={tesseraOpenApi} origin={origin} />
      <p className="mt-6 text-sm text-slate-500">
        The machine-readable document is served at <a href="/api/openapi.json" className="font-medium text-brand-600">/api/openapi.json</a>.
      </p>
    </>
  );
}
