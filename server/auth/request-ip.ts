// The client's address for audit entries. Next.js appends the socket peer to X-Forwarded-For; a
// reverse proxy in front (TESSERA_TRUST_PROXY=1) puts the real client first.
import { env } from '@/lib/env';

export function clientIp(headers: Headers | { get(name: string): string | null | undefined }): string | null {
  const xff = headers.get('x-forwarded-for');
  if (!xff) return headers.get('x-real-ip') ?? null;
  const hops = xff.split(',').map((s) => s.trim()).filter(Boolean);
  if (!hops.length) return null;
  const ip = env().TESSERA_TRUST_PROXY ? hops[0] : hops[hops.length - 1];
  return ip.slice(0, 64);
}
