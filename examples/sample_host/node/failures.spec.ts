// When Pandium misbehaves: scenarios make the stand-in refuse, fail or stay silent.
import { expect, PandiumFrame, test } from "pandium-embed/testing";

test("a rejected token", async ({ page, pandiumMock }) => {
  await pandiumMock.scenario({ reject: "expired", times: 1 });
  const pandium = await PandiumFrame.attach(page);
  await page.goto("/integrations");

  expect(await pandium.refusal()).toBe("expired");
  // Pandium's refusal page is on Pandium's origin: the element can tell it loaded, not that it refused.
  expect(await pandium.waitForEvent("pandium:load")).toEqual({});
  expect(await pandium.events("pandium:error")).toEqual([]);
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
