// Compiled by tests/integration/test_loader_types.py (`tsc -p js/tsconfig.types-test.json`) against the declarations
// the build generates from js/src/ (js/dist/types/): every line must type-check,
// and every @ts-expect-error line must really be an error.
import { prewarm } from "./dist/types/index";
import type { PandiumEmbedElement, PandiumErrorDetail, PandiumOpenOptions, PandiumSuccessDetail } from "./dist/types/index";

const el = document.querySelector("pandium-embed");
if (el) {
  const same: PandiumEmbedElement = el;
  same.reload();
  el.addEventListener("pandium:success", (e) => {
    const id: number = e.detail.tenant.id;
    const url: string = e.detail.webhook_url;
    const integration: string | undefined = e.detail.tenant.integration?.name;
    console.log(id, url, integration);
  });
  el.addEventListener("pandium:resize", (e) => Math.max(e.detail.height, 0));
  el.addEventListener("pandium:save-sync", (e) => e.detail.tenant.name.toUpperCase());
  el.addEventListener("pandium:install-cancel", (e) => e.detail.tenant.integration?.name.toUpperCase());
  // @ts-expect-error a cancelled set-up may have no tenant id
  el.addEventListener("pandium:install-cancel", (e) => e.detail.tenant.id.toFixed());
  el.addEventListener("pandium:load", (e) => e.detail);
  // @ts-expect-error the height is a number
  el.addEventListener("pandium:resize", (e) => e.detail.height.toUpperCase());
  // @ts-expect-error there is no refresh(); it is reload()
  el.refresh();
  el.addEventListener("pandium:success", (e) => {
    // @ts-expect-error details are read-only copies
    e.detail.webhook_url = "https://example.com";
  });
}

const created: PandiumEmbedElement = document.createElement("pandium-embed");
created.setAttribute("view", "marketplace");

// Bubbling, composed events are typed on document and window too.
document.addEventListener("pandium:error", (e) => {
  const detail: PandiumErrorDetail = e.detail;
  if (detail.status === 401 && detail.reason === "not-signed-in") console.log("sign in");
});
window.addEventListener("pandium:message", (e) => {
  const type: `pandium-${string}` = e.detail.type;
  const name: string = e.detail.data.message;
  console.log(type, name);
});
document.body.addEventListener("pandium:success", (e) => {
  const detail: PandiumSuccessDetail = e.detail;
  // @ts-expect-error the tenant id is a number, not a string
  const id: string = detail.tenant.id;
  console.log(id);
});
// @ts-expect-error a listener for pandium:success gets the success detail, not another
document.addEventListener("pandium:success", (e: CustomEvent<{ nope: string }>) => e.detail.nope);

// Pop-out mode: the element's open()/close(), and PandiumEmbed.open(options) for a button of your own.
if (el) {
  el.open();
  el.close();
  el.addEventListener("pandium:close", (e) => e.detail);
  el.addEventListener("pandium:error", (e) => {
    if (e.detail.reason === "popup-blocked" || e.detail.reason === "report-failed") console.log(e.detail.status);
  });
  // @ts-expect-error open() takes no options on an element: set its attributes
  el.open({ connector: "gwt" });
}
const handle: PandiumEmbedElement = PandiumEmbed.open({ connector: "gwt", report: true, width: 600, height: 700 });
handle.addEventListener("pandium:success", (e) => e.detail.tenant.id.toFixed());
handle.addEventListener("pandium:close", () => handle.close());
PandiumEmbed.open();
PandiumEmbed.open({ integration: 42 });
PandiumEmbed.open({ src: "https://pandium.example/page", origin: "https://pandium.example" });
const options: PandiumOpenOptions = { view: "marketplace", report: false };
window.PandiumEmbed.open(options);
// @ts-expect-error one route at a time: a connector or an integration, not both
PandiumEmbed.open({ connector: "gwt", integration: 42 });
// @ts-expect-error the only view is the marketplace
PandiumEmbed.open({ view: "settings" });
// @ts-expect-error the popup size is a number of pixels
PandiumEmbed.open({ width: "600px" });

prewarm();
prewarm(["https://imp.pandium.io"]);
// @ts-expect-error prewarm takes a list of origins, not one
prewarm("https://imp.pandium.io");
