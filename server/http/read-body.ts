// A request body read with a size cap: the stream is cancelled as soon as it passes the cap, so a
// huge or endless upload costs no more than the cap. Each protocol adapter maps `null` (too large)
// to its own error format.
export async function readBodyLimited(req: Request, maxBytes: number): Promise<Buffer | null> {
  const reader = req.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
