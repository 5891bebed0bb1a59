import { expect, type Page } from '@playwright/test';
import fs from 'node:fs';

export const OWNER = { email: 'owner@acme.test', password: 'owner-password-123', name: 'Olivia Owner' };
export const ADMIN = { email: 'admin@acme.test', password: 'admin-password-123', name: 'Adam Admin' };

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
}

/** Full-page screenshots kept as test artifacts (test-results/screenshots). */
export async function snap(page: Page, name: string) {
  fs.mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/** Calls a tRPC mutation from the page's session, as a hand-crafted client would. */
export async function trpcMutation(page: Page, path: string, input: unknown) {
  return page.evaluate(
    async ({ path, input }) => {
      const res = await fetch(`/api/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: input }),
      });
      return { status: res.status, body: await res.json() };
    },
    { path, input },
  );
}
