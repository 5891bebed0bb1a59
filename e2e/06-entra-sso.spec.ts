import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { startEntraStandIn, type EntraStandIn } from '../tests/helpers/entra-stand-in';
import { OWNER, signIn, signOut, snap } from './helpers';

// Sign-in with Microsoft Entra ID, with oidc-provider in this process standing in for Entra: the
// Owner connects it in the console, Entra (SCIM) provisions the user, who then signs in through the
// provider's login and consent pages. A person Entra knows but Tessera does not is refused.
const TENANT = '3f6c2a9e-8d41-4b7a-9c55-0e1d2f3a4b5c';
const PAT = { oid: randomUUID(), email: 'pat.sso@acme.test', name: 'Pat Sso' };
let idp: EntraStandIn;

test.beforeAll(async ({}, testInfo) => {
  const base = testInfo.project.use.baseURL!;
  idp = await startEntraStandIn({ redirectUris: [`${base}/api/auth/callback/entra`], tenantId: TENANT, accounts: { pat: PAT } });
});
test.afterAll(async () => idp?.close());

async function ssoThroughStandIn(page: import('@playwright/test').Page, login: string) {
  await page.goto('/signin');
  await page.getByRole('button', { name: 'Sign in with Microsoft Entra ID' }).click();
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('a SCIM-provisioned user signs in with Microsoft Entra ID; an unknown one is refused', async ({ page, request, baseURL }) => {
  await signIn(page, OWNER);
  await page.getByRole('link', { name: 'Identity provider', exact: true }).click();
  await expect(page.getByTestId('entra-redirect-uri')).toHaveText(`${baseURL}/api/auth/callback/entra`);

  // Entra provisions the user first (SCIM), with externalId = the object id its tokens carry.
  await page.getByLabel('Token name').fill('Entra SSO test');
  await page.getByRole('button', { name: 'Create Secret Token' }).click();
  const token = (await page.getByTestId('new-scim-token').textContent())!.trim();
  const created = await request.post('/scim/v2/Users', {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    data: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      externalId: PAT.oid,
      userName: PAT.email,
      active: true,
      displayName: PAT.name,
      emails: [{ primary: true, type: 'work', value: PAT.email }],
    },
  });
  expect(created.status()).toBe(201);

  // Connect Entra ID: a wrong metadata URL is refused with a clear message, the right one saved.
  await page.getByLabel('Client ID', { exact: true }).fill(idp.clientId);
  await page.getByLabel('Client Secret', { exact: true }).fill(idp.clientSecret);
  await page.getByLabel('Tenant ID', { exact: true }).fill(TENANT);
  await expect(page.getByLabel('OIDC metadata URL')).toHaveValue(`https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`);
  await page.getByLabel('OIDC metadata URL').fill(`${idp.issuer}/not-the-metadata`);
  await page.getByRole('button', { name: 'Connect Entra ID' }).click();
  await expect(page.getByText('The metadata URL answered HTTP 404', { exact: false }).first()).toBeVisible();
  await page.getByLabel('OIDC metadata URL').fill(idp.metadataUrl);
  await page.getByRole('button', { name: 'Connect Entra ID' }).click();
  await expect(page.getByText('Entra ID settings saved')).toBeVisible();
  await snap(page, '21-entra-sign-in-settings');
  await signOut(page);

  // The provider is built from the stored settings at request time: no restart.
  await ssoThroughStandIn(page, 'pat');
  // A plain User lands on their own devices page, not the console.
  await expect(page.getByRole('heading', { name: 'My devices' })).toBeVisible();
  await expect(page.getByText(`Signed in as ${PAT.email} with Microsoft Entra ID`)).toBeVisible();
  await snap(page, '22-entra-signed-in');

  // Someone Entra knows but nobody provisioned into Tessera.
  await page.context().clearCookies();
  await ssoThroughStandIn(page, 'mallory');
  await expect(page).toHaveURL(/\/signin\?error=EntraUnknownUser/);
  await expect(page.getByRole('alert').filter({ hasText: 'is not a Tessera user' })).toBeVisible();
  await snap(page, '23-entra-unknown-user');
});
