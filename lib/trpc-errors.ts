// Reads field errors out of a tRPC client error (shape set by the server's errorFormatter).
export function fieldErrors(err: unknown): Record<string, string> {
  const data = (err as { data?: { fieldErrors?: Record<string, string>; field?: string } } | null)?.data;
  const out: Record<string, string> = { ...(data?.fieldErrors ?? {}) };
  if (data?.field) out[data.field] = (err as Error).message;
  return out;
}

export function errorMessage(err: unknown): string {
  const data = (err as { data?: { fieldErrors?: Record<string, string> } } | null)?.data;
  if (data?.fieldErrors && Object.keys(data.fieldErrors).length) return 'Please correct the highlighted fields.';
  return (err as Error)?.message || 'Something went wrong';
}
