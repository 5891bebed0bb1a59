// The public base URL devices and MDMs use to reach Tessera (TESSERA_URL), for generated
// endpoints, CRL distribution points and profiles.
import { env } from '@/lib/env';

export function publicBaseUrl(req?: Request): string {
  return (env().TESSERA_URL ?? (req ? new URL(req.url).origin : `http://localhost:${process.env.PORT ?? 3000}`)).replace(/\/+$/, '');
}
