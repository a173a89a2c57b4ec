const el = document.querySelector("pandium-embed");
el.addEventListener("pandium:success", (e) => saveConnection(e.detail.tenant.id, e.detail.webhook_url));
el.addEventListener("pandium:error", (e) => { if (e.detail.status === 401) location.assign("/login"); });
