import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

const backend = process.env.BACKEND_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  // <pandium-embed> is a custom element, not a Vue component.
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === "pandium-embed" } } })],
  server: { port: 5173, proxy: { "/pandium": backend, "/dev": backend } },
  preview: { port: 5173, proxy: { "/pandium": backend, "/dev": backend } },
});
