// Connecting an account on the Auth-Only page: approved, denied by the user, denied by the provider.
import { expect, PandiumFrame, test } from "pandium-embed/testing";

test("Auth-Only: approve", async ({ page }) => {
  const pandium = await PandiumFrame.attach(page);
  await page.goto("/connect/hubspot");
  const connected = await pandium.connect({ approve: true });

  expect(connected?.webhook_url).toMatch(/^http/);
  expect(connected?.tenant.integration.name).toBe("HubSpot");
  await expect(page.getByRole("status")).toHaveText("Your account is connected.");
});

test("Auth-Only: deny", async ({ page }) => {
  const pandium = await PandiumFrame.attach(page);
  await page.goto("/connect/hubspot");

  expect(await pandium.connect({ approve: false })).toBeNull();
  expect(await pandium.events("pandium:success")).toEqual([]);
});

test("the provider denies consent", async ({ page, pandiumMock }) => {
  await pandiumMock.scenario({ deny_consent: true });
  const pandium = await PandiumFrame.attach(page);
  await page.goto("/connect/hubspot");

  expect(await pandium.connect({ approve: true })).toBeNull();
});
