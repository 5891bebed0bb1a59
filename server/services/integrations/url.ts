import { z } from 'zod';

/** An absolute http(s) URL, with one clear message whatever is wrong with it. */
export const httpUrlSchema = (message: string) =>
  z
    .string()
    .trim()
    .max(2048)
    .refine((u) => {
      try {
        return ['http:', 'https:'].includes(new URL(u).protocol);
      } catch {
        return false;
      }
    }, message);
