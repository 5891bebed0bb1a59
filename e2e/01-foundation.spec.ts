import { expect, test } from '@playwright/test';
import { ADMIN, OWNER, signIn, signOut, snap, trpcMutation } from './helpers';

test.describe.configure({ mode: 'serial' });

test('first run: the setup page creates the team and the Owner, then is gone', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole('heading', { name: 'Set up Tessera' })).toBeVisible();
  await snap(page, '01-setup');

  // Bad input is answered next to the field and nothing is created.
  await page.getByLabel('Team name').fill('Acme Corp');
  await expect(page.getByLabel('Team slug')).toHaveValue('acme-corp');
  await page.getByLabel('Your name').fill(OWNER.name);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Confirm password').fill('short');
  await page.getByRole('button', { name: 'Create team and Owner' }).click();
  await expect(page.getByText('Use at least 12 characters')).toBeVisible();

  await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await page.getByLabel('Confirm password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create team and Owner' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByText('team.setup')).toBeVisible();
  await snap(page, '02-overview');

  // The setup page is gone for good, and the API refuses a second attempt.
  await page.goto('/setup');
  await expect(page).not.toHaveURL(/\/setup/);
  const again = await trpcMutation(page, 'setup.create', {
    teamName: 'Evil',
    slug: 'evil',
    ownerEmail: 'evil@x.test',
    ownerPassword: 'evil-password-123',
  });
  expect(again.status).toBe(412);
  expect(again.body.error.json.message).toMatch(/already set up/);
});

test('sign-out, a wrong password, and sign-in again', async ({ page }) => {
  await signIn(page, OWNER);
  await signOut(page);
  await page.goto('/users');
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'not correct' })).toHaveText('The email or password is not correct.');
  await snap(page, '03-signin-error');
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
});

test('the Owner adds an Admin from the Users page', async ({ page }) => {
  await signIn(page, OWNER);
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await page.getByRole('button', { name: 'Add user' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Email').fill(ADMIN.email);
  await dialog.getByLabel('Name').fill(ADMIN.name);
  await dialog.getByLabel('Role').selectOption('admin');
  await dialog.getByLabel('Initial password').fill(ADMIN.password);
  await dialog.getByRole('button', { name: 'Add user' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('row', { name: new RegExp(ADMIN.name) });
  await expect(row).toContainText('admin');
  await snap(page, '04-users');

  // A duplicate is refused with a clear message and nothing changes.
  await page.getByRole('button', { name: 'Add user' }).click();
  await dialog.getByLabel('Email').fill(ADMIN.email.toUpperCase());
  await dialog.getByRole('button', { name: 'Add user' }).click();
  await expect(dialog.getByText(/already exists/).first()).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('row', { name: new RegExp(ADMIN.name) })).toHaveCount(1);
});

test('an Admin cannot do Owner-only actions', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto('/users');
  // The console offers no Owner-only choices...
  await page.getByRole('button', { name: 'Add user' }).click();
  const options = await page.getByRole('dialog').getByLabel('Role').locator('option').allTextContents();
  expect(options.join(' ')).not.toMatch(/Admin:|Owner:/);
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('row', { name: new RegExp(OWNER.name) })).toContainText('Owner only');
  // ...and the server refuses them when asked directly.
  const res = await trpcMutation(page, 'users.create', { email: 'sneaky@acme.test', role: 'owner' });
  expect(res.status).toBe(403);
  expect(res.body.error.json.message).toBe('Only Owners can create or promote Admins and Owners');
  await page.reload();
  await expect(page.getByText('sneaky@acme.test')).toHaveCount(0);
});

test('a settings change shows up in the audit log', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Team', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Team settings' })).toBeVisible();
  const mdm = page.getByRole('switch', { name: 'Require approval for MDM-synced devices' });
  await expect(mdm).toHaveAttribute('aria-checked', 'true');
  await snap(page, '05-team-settings');
  await mdm.click();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('switch', { name: 'Require approval for MDM-synced devices' })).toHaveAttribute('aria-checked', 'false');

  await page.getByRole('link', { name: 'Audit log', exact: true }).click();
  const row = page.getByRole('row').filter({ hasText: 'team.settings.update' }).first();
  await expect(row).toContainText(ADMIN.email);
  await expect(row).toContainText('requireApprovalMdm');
  await page.getByLabel('Action').fill('auth.sign_in.failed');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'auth.sign_in.failed' }).first()).toContainText(OWNER.email);
  await page.goto('/audit');
  await snap(page, '06-audit-log');
});

test('health reports a reachable, migrated database', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ok', database: { reachable: true }, migrations: { current: true } });
});
