import { Component, CUSTOM_ELEMENTS_SCHEMA, signal } from "@angular/core";
import type { PandiumEmbedEventMap } from "pandium-embed";

@Component({
  selector: "app-integrations",
  // <pandium-embed> is a custom element: Angular passes its attributes and events through as they are.
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <pandium-embed id="marketplace" view="marketplace" (pandium:save-sync)="onSaveSync($event)"></pandium-embed>
    <pandium-embed id="install" integration="2" (pandium:save-sync)="onSaveSync($event)"></pandium-embed>
    <p id="saved">{{ saved().length ? "Saved tenant " + saved().join(", ") : "Nothing saved yet" }}</p>
  `,
})
export class IntegrationsComponent {
  readonly saved = signal<string[]>([]);

  onSaveSync(event: Event): void {
    const { tenant } = (event as PandiumEmbedEventMap["pandium:save-sync"]).detail;
    this.saved.update((ids) => [...ids, String(tenant.id)]);
  }
}
