// The test bed for `pandium-embed/pure` (tests/browser/test_npm_examples.py): importing it defines
// nothing; the app configures later (after a task here, after a fetch in real life), then defines.
import { configure, define } from "pandium-embed/pure";

await new Promise((resolve) => setTimeout(resolve, 0));
// The main entry would have defined the element a microtask after import; this one has not.
window.__definedBeforeDefine = customElements.get("pandium-embed") !== undefined;
configure(JSON.parse(document.querySelector('meta[name="pandium-embed"]').content));
define();
