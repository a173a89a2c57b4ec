// The sample host app's integration tests in @playwright/test: only pandium-embed/testing.
import { expect, PandiumFrame, test } from "../../../js/testing";

test("install then save", async ({ page }) => {
  const pandium = await PandiumFrame.attach(page);
  await page.goto("/integrations");
  expect(await pandium.signedInAs()).toBe("Ann Example");

  await pandium.install("1");
  const saved = await pandium.save();

  expect(saved.tenant.integration).toEqual({ id: 1, name: "HubSpot" });
  await expect(page.getByRole("status")).toHaveText("HubSpot is connected.");
});

test("install then cancel", async ({ page }) => {
  const pandium = await PandiumFrame.attach(page);
  await page.goto("/integrations/2");

  await pandium.install("2");
  const cancelled = await pandium.cancel();

  expect(cancelled.tenant.integration.name).toBe("Salesforce");
  await expect(page.getByRole("status")).toHaveText("Nothing was installed.");
});

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

test("a rejected token", async ({ page, pandiumMock }) => {
  await pandiumMock.scenario({ reject: "expired", times: 1 });
  const pandium = await PandiumFrame.attach(page);
  await page.goto("/integrations");

  expect(await pandium.refusal()).toBe("expired");
});

test("a silent page", async ({ page, pandiumMock }) => {
  await pandiumMock.scenario({ silent: true });
  const pandium = await PandiumFrame.attach(page, "pandium-embed", { timeout: 3_000 });
  await page.goto("/integrations/1");

  await pandium.install("1");
  await expect(pandium.save()).rejects.toThrow("No pandium:save-sync reached the host page");
  await expect(page.getByRole("status")).toHaveText("");
});

test("Pandium answers 503", async ({ page, pandiumMock }) => {
  await pandiumMock.scenario({ status: 503 });
  const pandium = await PandiumFrame.attach(page);
  await page.goto("/integrations");

  expect(await pandium.refusal()).toBe("server-error");
});
