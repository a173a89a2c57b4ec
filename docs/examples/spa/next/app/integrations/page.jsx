import Marketplace from "./marketplace";

// A server component: the element and its listeners live in the client component it renders.
export default function IntegrationsPage() {
  return (
    <main>
      <h1>Integrations</h1>
      <Marketplace />
    </main>
  );
}
