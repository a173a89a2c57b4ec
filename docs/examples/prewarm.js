// A settings screen from which users often open the integrations page: open Pandium's connection now,
// while they read. With the npm package: import { prewarm } from "pandium-embed"; prewarm();
customElements.whenDefined("pandium-embed").then((PandiumEmbed) => PandiumEmbed.prewarm());
