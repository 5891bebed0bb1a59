import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { startEntraStandIn, type EntraStandIn } from '../tests/helpers/entra-stand-in';
import { OWNER, signIn, signOut, snap, trpcMutation } from './helpers';

// Manual self-enrollment by invitation, "My devices", and turning password sign-in off once SSO
// works. Needs only the Owner from 01-foundation; everything else is created here.
test.describe.configure({ mode: 'serial' });

const ADMIN7 = { email: 'admin07@acme.test', password: 'admin07-password-123' };
const IVY = { email: 'ivy.e2e@acme.test', name: 'Ivy Invitee', password: 'ivy-e2e-password-1' };
const DEVICE = { name: 'Ivy MacBook E2E', serial: 'C02E2E07IVY1' };
const TENANT = '6e5d4c3b-2a19-4f8e-b7d6-c5b4a3928170';
let inviteUrl = '';
let idp: EntraStandIn;

test.beforeAll(async ({}, testInfo) => {
  const base = testInfo.project.use.baseURL!;
  idp = await startEntraStandIn({
    redirectUris: [`${base}/api/auth/callback/entra`],
    tenantId: TENANT,
    // The Owner's Entra account: matched to the local Owner by email.
    accounts: { olivia: { oid: randomUUID(), email: OWNER.email, name: 'Olivia Owner' } },
  });
});
test.afterAll(async () => idp?.close());

async function signInAsInvitee(page: Page) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(IVY.email);
  await page.getByLabel('Password').fill(IVY.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'My devices' })).toBeVisible();
}

async function ssoThroughStandIn(page: Page, login: string) {
  await page.context().clearCookies();
  await page.goto('/signin');
  await page.getByRole('button', { name: 'Sign in with Microsoft Entra ID' }).click();
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('an Admin invites someone; the link is shown once; bad links get a clear page', async ({ page }) => {
  await signIn(page, OWNER);
  const created = await trpcMutation(page, 'users.create', { email: ADMIN7.email, role: 'admin', password: ADMIN7.password });
  expect(created.status).toBe(200);
  await signOut(page);

  await signIn(page, ADMIN7);
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Invitations' })).toBeVisible();
  await page.getByRole('button', { name: 'Invite user' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Email').fill('not an email');
  await dialog.getByRole('button', { name: 'Create invitation' }).click();
  await expect(dialog.getByText('Enter a valid email address')).toBeVisible();
  await dialog.getByLabel('Email').fill(IVY.email);
  await dialog.getByLabel('Name').fill(IVY.name);
  await dialog.getByRole('button', { name: 'Create invitation' }).click();
  await expect(dialog).toBeHidden();
  inviteUrl = (await page.getByTestId('invitation-link').textContent())!.trim();
  expect(inviteUrl).toMatch(/\/invite\/tinv_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByRole('row', { name: new RegExp(IVY.name) })).toContainText('Pending');
  await snap(page, '24-invitation-created');
  // Shown once: gone after a reload.
  await page.reload();
  await expect(page.getByTestId('invitation-link')).toHaveCount(0);
  await signOut(page);

  await page.goto('/invite/tinv_not-a-real-token');
  await expect(page.getByRole('heading', { name: 'This invitation link is not valid' })).toBeVisible();
  await snap(page, '25-invitation-invalid');
});

test('the invitee sets a password, lands on My devices and enrolls a device', async ({ page }) => {
  await page.goto(inviteUrl);
  await expect(page.getByRole('heading', { name: /^Join .* on Tessera$/ })).toBeVisible();
  await expect(page.getByTestId('invite-email')).toHaveText(IVY.email);
  await expect(page.getByLabel('Your name')).toHaveValue(IVY.name);
  await page.getByLabel('Password', { exact: true }).fill(IVY.password);
  await page.getByLabel('Confirm password').fill('something-else-123');
  await page.getByRole('button', { name: 'Create account and sign in' }).click();
  await expect(page.getByText('The passwords do not match')).toBeVisible();
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Confirm password').fill('short');
  await page.getByRole('button', { name: 'Create account and sign in' }).click();
  await expect(page.getByText('Use at least 12 characters')).toBeVisible();
  await snap(page, '26-invitation-accept');
  await page.getByLabel('Password', { exact: true }).fill(IVY.password);
  await page.getByLabel('Confirm password').fill(IVY.password);
  await page.getByRole('button', { name: 'Create account and sign in' }).click();

  await expect(page).toHaveURL(/\/my\/devices$/);
  await expect(page.getByRole('heading', { name: 'My devices' })).toBeVisible();
  await expect(page.getByText('No devices yet')).toBeVisible();
  await expect(page.getByTestId('agent-command')).toContainText('npx tessera-agent enroll --server http');
  await snap(page, '27-my-devices-empty');

  // A used link says so.
  await page.goto(inviteUrl);
  await expect(page.getByRole('heading', { name: 'This invitation has already been used' })).toBeVisible();
  await snap(page, '28-invitation-used');

  // The console is not for plain users: they are sent back to their devices.
  await page.goto('/devices');
  await expect(page).toHaveURL(/\/my\/devices$/);

  const form = page.getByRole('form', { name: 'Enroll a device' });
  await form.getByLabel('Device name').fill(DEVICE.name);
  await form.getByLabel('Operating system').selectOption('macOS');
  await form.getByLabel('Serial number').fill('0');
  await form.getByRole('button', { name: 'Enroll device' }).click();
  await expect(form.getByText('Enter the serial number printed on the device')).toBeVisible();
  await form.getByLabel('Serial number').fill(DEVICE.serial);
  await form.getByRole('button', { name: 'Enroll device' }).click();
  await expect(page.getByText(`${DEVICE.name} is enrolled and waits for an administrator’s approval`)).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(DEVICE.name) });
  await expect(row).toContainText('Pending approval');
  await expect(row).toContainText('Low assurance');
  await snap(page, '29-my-devices-pending');

  // The same device twice is refused with a clear message.
  await form.getByLabel('Device name').fill('Again');
  await form.getByLabel('Serial number').fill(DEVICE.serial);
  await form.getByRole('button', { name: 'Enroll device' }).click();
  await expect(form.getByText('This device is already in your devices').first()).toBeVisible();
});

test('the Admin sees the device pending and approves it; the user sees it approved', async ({ page }) => {
  await signIn(page, ADMIN7);
  await page.getByRole('link', { name: 'Devices', exact: true }).click();
  await page.getByLabel('Search').fill(DEVICE.name);
  await page.getByRole('button', { name: 'Apply' }).click();
  const row = page.getByRole('row', { name: new RegExp(DEVICE.name) });
  await expect(row).toContainText('Pending approval');
  await page.getByRole('link', { name: DEVICE.name }).click();
  await expect(page.getByRole('heading', { name: DEVICE.name })).toBeVisible();
  await expect(page.getByText(IVY.email).first()).toBeVisible();
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText(/Approved .* by admin07@acme.test/)).toBeVisible();
  await snap(page, '30-self-enrolled-device-approved');
  await signOut(page);

  await signInAsInvitee(page);
  const mine = page.getByRole('row', { name: new RegExp(DEVICE.name) });
  await expect(mine).toContainText('Approved');
  await expect(page.getByRole('row')).toHaveCount(2); // header + the one device: only their own
  await snap(page, '31-my-devices-approved');
});

test('the Owner turns password sign-in off once SSO works, and back on; then removes Entra ID', async ({ page }) => {
  await signIn(page, OWNER);
  await page.getByRole('link', { name: 'Identity provider', exact: true }).click();
  await page.getByLabel('Client ID', { exact: true }).fill(idp.clientId);
  await page.getByLabel('Client Secret', { exact: true }).fill(idp.clientSecret);
  await page.getByLabel('Tenant ID', { exact: true }).fill(TENANT);
  await page.getByLabel('OIDC metadata URL').fill(idp.metadataUrl);
  await page.getByRole('button', { name: /^(Connect Entra ID|Save Entra ID settings)$/ }).click();
  await expect(page.getByText('Entra ID settings saved')).toBeVisible();
  // No Owner has signed in with Entra ID since these settings: passwords cannot be turned off yet.
  await expect(page.getByRole('button', { name: 'Turn off password sign-in' })).toBeDisabled();
  await expect(page.getByText('No Owner has signed in with Microsoft Entra ID')).toBeVisible();
  await snap(page, '32-password-sign-in-guard');

  // A forged ID token (another audience) is refused with a clear page and no session.
  idp.tamperIdTokens({ claims: (c) => ({ ...c, aud: 'another-application' }) });
  await ssoThroughStandIn(page, 'olivia');
  await expect(page).toHaveURL(/\/signin\?.*error=OAuthCallback/);
  await expect(page.getByRole('alert').filter({ hasText: 'could not be verified' })).toBeVisible();
  await snap(page, '33-entra-token-refused');
  idp.tamperIdTokens(null);

  // The Owner signs in through Entra ID and turns password sign-in off.
  await ssoThroughStandIn(page, 'olivia');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.getByRole('link', { name: 'Identity provider', exact: true }).click();
  await page.getByRole('button', { name: 'Turn off password sign-in' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Turn off' }).click();
  await expect(page.getByText('Disabled · Entra ID only')).toBeVisible();
  // Entra ID is now the only way in: it cannot be removed.
  await expect(page.getByRole('button', { name: 'Remove Entra ID' })).toBeDisabled();
  await snap(page, '34-password-sign-in-off');

  // Someone else's browser: only the SSO button; the API refuses a password too.
  const other = await page.context().browser()!.newPage();
  await other.goto(page.url().replace(/\/integrations\/identity$/, '/signin'));
  await expect(other.getByRole('button', { name: 'Sign in with Microsoft Entra ID' })).toBeVisible();
  await expect(other.getByLabel('Password')).toHaveCount(0);
  await expect(other.getByText('Your team signs in with Microsoft Entra ID only')).toBeVisible();
  await snap(other, '35-signin-sso-only');
  await other.close();

  // Back on, then Entra ID removed (the Owner's SSO session ends with it).
  await page.getByRole('button', { name: 'Turn password sign-in back on' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByText('Enabled', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Remove Entra ID' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole('button', { name: 'Sign in with Microsoft Entra ID' })).toHaveCount(0);
  await signIn(page, OWNER);
  await page.goto('/audit');
  await expect(page.getByText('identity_provider.delete').first()).toBeVisible();
  await expect(page.getByText('auth.password_sign_in.enable').first()).toBeVisible();
  await expect(page.getByText('auth.password_sign_in.disable').first()).toBeVisible();

  // Owners manage roles from a user's own page too.
  await page.goto('/users');
  await page.getByRole('link', { name: IVY.name }).click();
  await expect(page.getByRole('heading', { name: IVY.name })).toBeVisible();
  await expect(page.getByLabel(`Role of ${IVY.email}`)).toHaveValue('user');
  await expect(page.getByRole('row', { name: new RegExp(DEVICE.name) })).toBeVisible();
  await snap(page, '36-user-detail-roles');
});
