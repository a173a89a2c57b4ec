// Compiled with js/types-test.ts (tests/integration/test_loader_types.py) against the generated declarations:
// the React component's props and callbacks are typed; every @ts-expect-error line must be an error.
import { useRef } from "react";
import type { PandiumEmbedElement } from "./dist/types/index";
import { PandiumEmbed, usePandiumPopup, usePandiumToken } from "./dist/types/react";

export function Integrations({ save }: { save: (id: number, url: string) => void }) {
  const ref = useRef<PandiumEmbedElement>(null);
  const open = usePandiumPopup({ connector: "gwt", onSuccess: (detail) => save(detail.tenant.id, detail.webhook_url) });
  const token = usePandiumToken({ flow: "install", integration_id: 42 }, { headers: { Authorization: "Bearer x" } });
  // @ts-expect-error the install flow needs its integration_id
  usePandiumToken({ flow: "install" });
  return (
    <>
      <PandiumEmbed
        ref={ref}
        view="marketplace"
        report
        minHeight={300}
        expectMessage={4000}
        fallback="popup"
        onSaveSync={(detail) => save(detail.tenant.id, "")}
        onResize={({ height }) => height.toFixed()}
        onError={(detail, event) => (detail.reason === "no-message" ? event.type : detail.status)}
        onMessage={(detail) => detail.data.message.startsWith("pandium-")}
      />
      <PandiumEmbed integration={42} onInstallCancel={(detail) => detail.tenant.name} onLoad={() => ref.current?.reload()} />
      {/* @ts-expect-error a cancelled set-up may have no tenant id (null): the element's own type */}
      <PandiumEmbed integration={42} onInstallCancel={(detail) => detail.tenant.id.toFixed()} />
      {token.src && <PandiumEmbed src={token.src} origin={token.origin} onDiagnostic={(detail) => detail.text.length} onError={() => token.reload()} />}
      <button onClick={() => open().close()}>Connect</button>
      {/* @ts-expect-error a success detail has no height */}
      <PandiumEmbed connector="gwt" onSuccess={(detail) => detail.height} />
      {/* @ts-expect-error the tenant id is a number */}
      <PandiumEmbed onSaveSync={(detail) => detail.tenant.id.toUpperCase()} />
      {/* @ts-expect-error the only view is the marketplace */}
      <PandiumEmbed view="settings" />
      {/* @ts-expect-error the fallback is a popup or nothing */}
      <PandiumEmbed fallback="tab" />
      <PandiumEmbed view="marketplace" hidden />
      {/* @ts-expect-error hidden is a boolean (preload), not a string */}
      <PandiumEmbed view="marketplace" hidden="yes" />
      {/* @ts-expect-error there is no onSaved callback: it is onSaveSync */}
      <PandiumEmbed onSaved={() => undefined} />
    </>
  );
}
