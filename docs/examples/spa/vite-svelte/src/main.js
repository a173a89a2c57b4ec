import { configure } from "pandium-embed";
import { mount } from "svelte";

import Integrations from "./Integrations.svelte";

// No server template renders the settings into this page: they come in at build time instead.
configure({ origins: import.meta.env.VITE_PANDIUM_ORIGINS.split(" "), prefix: "/pandium" });

mount(Integrations, { target: document.getElementById("app") });
