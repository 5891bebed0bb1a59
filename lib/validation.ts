// Field rules shared by every edge (console forms, CLI, APIs) so a value is judged the same everywhere.
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from './password';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Email is too long')
  .pipe(z.email('Enter a valid email address'));

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256, 'Use at most 256 characters');

export const teamNameSchema = z.string().trim().min(1, 'Enter a team name').max(100, 'Use at most 100 characters');

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'Use at least 3 characters')
  .max(40, 'Use at most 40 characters')
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'Use lowercase letters, digits and hyphens (not at either end)');

export const roleSchema = z.enum(['owner', 'admin', 'user']);
export const personNameSchema = z.string().trim().max(200, 'Use at most 200 characters');
