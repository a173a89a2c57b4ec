import { createApp } from "vue";

import Integrations from "./Integrations.vue";

createApp(Integrations).mount("#app");
