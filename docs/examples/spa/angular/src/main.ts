import { bootstrapApplication } from "@angular/platform-browser";
import { configure } from "pandium-embed";

import { environment } from "./environment";
import { IntegrationsComponent } from "./integrations.component";

// No server template renders the settings into this page: they come in at build time instead.
configure({ origins: environment.pandiumOrigins, prefix: "/pandium" });

bootstrapApplication(IntegrationsComponent).catch((error: unknown) => console.error(error));
