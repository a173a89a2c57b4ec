// Compiled by tests/unit/test_loader_types.py (`tsc -p js/tsconfig.json`): every line must type-check,
// and every @ts-expect-error line must really be an error.
import type { PandiumEmbedElement, PandiumErrorDetail, PandiumSuccessDetail } from "./pandium-embed";

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
