// Installing an integration from the app's pages: saved, or cancelled.
import { expect, PandiumFrame, test } from "pandium-embed/testing";

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
