import { expect, test } from '@playwright/test';
import { OWNER, signIn, snap } from './helpers';

// Entra provisions a user over SCIM with a Secret Token created in the console, then deactivates it.
test('a SCIM token from the console provisions and deprovisions a user as Entra does', async ({ page, request }) => {
  await signIn(page, OWNER);
  await page.getByRole('link', { name: 'Identity provider', exact: true }).click();
  const tenantUrl = (await page.getByTestId('scim-tenant-url').textContent())!;
  expect(tenantUrl).toMatch(/\/scim\/v2$/);
  await page.getByLabel('Token name').fill('Entra production');
  await page.getByRole('button', { name: 'Create Secret Token' }).click();
  const token = (await page.getByTestId('new-scim-token').textContent())!.trim();
  await snap(page, '19-identity-provider');

  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
  const base = new URL(tenantUrl).pathname;
  // Entra's Test Connection, then the initial cycle.
  const probe = await request.get(`${base}/Users?filter=${encodeURIComponent(`userName eq "${crypto.randomUUID()}"`)}`, { headers });
  expect(probe.status()).toBe(200);
  expect((await probe.json()).totalResults).toBe(0);
  const created = await request.post(`${base}/Users`, {
    headers,
    data: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      externalId: '0f0e3a76-0c5d-4c4e-9d8f-6a5b4c3d2e1f',
      userName: 'Dana.Scim@Acme.test',
      active: true,
      displayName: 'Dana Scim',
      emails: [{ primary: true, type: 'work', value: 'dana.scim@acme.test' }],
      name: { givenName: 'Dana', familyName: 'Scim' },
    },
  });
  expect(created.status()).toBe(201);
  const user = await created.json();

  await page.goto('/users?q=dana');
  const row = page.getByRole('row', { name: /Dana Scim/ });
  await expect(row).toContainText('SCIM');
  await expect(row).toContainText('Active');

  const off = await request.patch(`${base}/Users/${user.id}`, {
    headers,
    data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
  });
  expect(off.status()).toBe(200);
  await page.reload();
  await expect(page.getByRole('row', { name: /Dana Scim/ })).toContainText('Deactivated');
  await snap(page, '20-users-scim');
  const bad = await request.get(`${base}/Users`, { headers: { authorization: 'Bearer wrong' } });
  expect(bad.status()).toBe(401);
  expect((await bad.json()).schemas).toContain('urn:ietf:params:scim:api:messages:2.0:Error');
});
