// @playwright/test recipe: start MockPandium (`pandium-embed mock`) and your app as web servers, and
// run Chromium against them. The app and the stand-in are two origins (127.0.0.1 and localhost), as
// your app and Pandium are in production.
import { defineConfig } from "@playwright/test";

const mockPort = Number(process.env.PANDIUM_MOCK_PORT ?? 8001);
const appPort = Number(process.env.APP_PORT ?? 8000);
const mockUrl = `http://localhost:${mockPort}`;
const appUrl = `http://127.0.0.1:${appPort}`;
// Any long random string: the app signs with it, the stand-in verifies with it. Never a real secret.
const secret = process.env.PANDIUM_SHARED_SECRET ?? "e2e-only-shared-secret-0123456789abcdefghij";
process.env.PANDIUM_MOCK_URL = mockUrl; // for the pandiumMock fixture of pandium-embed/testing

export default defineConfig({
  testDir: ".",
  // Scenarios belong to the one stand-in all workers share.
  workers: 1,
  use: {
    baseURL: appUrl,
    browserName: "chromium",
    // Only where Playwright cannot download its own browser: the system's Chromium, on a closed network.
    launchOptions: {
      executablePath: process.env.PANDIUM_EMBED_CHROMIUM ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu", "--no-first-run"],
    },
  },
  webServer: [
    {
      command: `pandium-embed mock --port ${mockPort} --org acme --parent-origin ${appUrl} --connector hubspot=HubSpot,1`,
      url: `${mockUrl}/__mock__/records`,
      env: { PANDIUM_SHARED_SECRET: secret },
      reuseExistingServer: !process.env.CI,
    },
    {
      // Your app, pointed at the stand-in (here the sample host app of this repository).
      command: `python -m examples.sample_host.app --port ${appPort}`,
      cwd: "../../..",
      url: `${appUrl}/integrations`,
      env: {
        PANDIUM_ORG: "acme",
        PANDIUM_SHARED_SECRET: secret,
        PANDIUM_MARKETPLACE_BASE_URL: mockUrl,
        PANDIUM_INSTALL_BASE_URL: mockUrl,
        PANDIUM_CONNECT_BASE_URL: mockUrl,
        PANDIUM_CONNECTORS: "hubspot=HubSpot",
      },
      reuseExistingServer: !process.env.CI,
    },
  ],
});
